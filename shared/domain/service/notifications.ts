/** What an agent is told about: the kinds of notifications (GET /v1/me/notifications). */
export const NOTIFICATION_KINDS = ['assignment', 'mention', 'collaborator', 'reminder', 'due', 'overdue', 'escalation', 'sla-warning', 'sla-breach', 'survey', 'task'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
