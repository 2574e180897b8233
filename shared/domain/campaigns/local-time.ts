import { instantOf, isValidTimeZone } from '../service/business-hours';

/**
 * Local-time sends: "10:00 on 2025-06-18 in each customer's time zone". The customer's own IANA
 * zone, else the brand's default; the wall time read in that zone (in a DST gap, the end of the
 * gap; in an overlap, the earlier instant). The fan-out starts before the first zone reaches the
 * time (UTC+14) and the last zone (UTC−12) gets it 26 hours later. Pure.
 */
export const FANOUT_LEAD_MINUTES = 60;
const EARLIEST_ZONE = 'Pacific/Kiritimati'; // UTC+14
const LATEST_ZONE = 'Etc/GMT+12'; // UTC−12

export function localSendAt(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  return instantOf(y, m, d, minutes, timeZone);
}

/** The zone a customer's local time is read in: theirs when valid, else the brand's default. */
export const zoneOf = (customerZone: string | undefined, brandDefault: string) => (customerZone && isValidTimeZone(customerZone) ? customerZone : brandDefault);

/** The first instant any zone reaches the local time. */
export const earliestLocalSendAt = (date: string, time: string) => localSendAt(date, time, EARLIEST_ZONE);
/** The last instant any zone reaches it. */
export const latestLocalSendAt = (date: string, time: string) => localSendAt(date, time, LATEST_ZONE);

/** When the fan-out of a local-time campaign starts: an hour before the first zone, or now when that is past. */
export function localFanoutStart(date: string, time: string, nowMs: number): number {
  return Math.max(nowMs, earliestLocalSendAt(date, time) - FANOUT_LEAD_MINUTES * 60_000);
}
