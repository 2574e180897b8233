import * as z from 'zod/mini';
import { NOTIFICATION_KINDS } from '../domain/service/notifications';
import { agentSchema } from './agents';
import { defineRoute, once } from './contract';
import { isoDateTime, pageOf, pageQuery, ulidId } from './common';
import { taskSchema } from './tasks';

/** The caller's own work: their tasks, their notifications, their duty status. */
const notificationSchema = once(() =>
  z.object({ id: z.string(), agentId: z.string(), kind: z.enum(NOTIFICATION_KINDS), title: z.string(), ticketId: z.optional(z.string()), taskId: z.optional(z.string()), read: z.boolean(), createdAt: isoDateTime(), readAt: z.optional(isoDateTime()) }),
);

export const myTasks = defineRoute({
  operationId: 'myTasks',
  method: 'GET',
  path: '/v1/me/tasks',
  permission: 'tasks:read',
  summary: 'My tasks: unfinished ones soonest due first (`status=active`, the default), done ones, or all',
  tag: 'Me',
  query: () => z.strictObject({ ...pageQuery(), status: z._default(z.enum(['active', 'done', 'all']), 'active') }),
  response: () => pageOf(taskSchema()),
  status: 200,
});

export const myNotifications = defineRoute({
  operationId: 'myNotifications',
  method: 'GET',
  path: '/v1/me/notifications',
  permission: 'notifications:read',
  summary: 'My notifications, newest first: reminders, mentions, assignments, SLA warnings and breaches, escalations (`unread=true` for the unread ones)',
  tag: 'Me',
  query: () => z.strictObject({ ...pageQuery(), unread: z.optional(z.enum(['true', 'false'])) }),
  response: () => pageOf(notificationSchema()),
  status: 200,
});

export const readNotification = defineRoute({
  operationId: 'readNotification',
  method: 'POST',
  path: '/v1/me/notifications/{id}/read',
  permission: 'notifications:read',
  summary: 'Mark one of my notifications read',
  tag: 'Me',
  params: () => z.strictObject({ id: ulidId() }),
  response: notificationSchema,
  status: 200,
});

export const setMyDuty = defineRoute({
  operationId: 'setMyDuty',
  method: 'PUT',
  path: '/v1/me/duty',
  permission: 'tickets:write',
  summary: 'Go on or off duty (round-robin and least-loaded assignment only hand tickets to agents on duty)',
  tag: 'Me',
  body: () => z.strictObject({ onDuty: z.boolean() }),
  response: agentSchema,
  status: 200,
});
