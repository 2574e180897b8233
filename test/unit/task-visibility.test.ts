import type { Task } from '../../shared/domain/service/tasks';
import { readsTaskText, redactTask, RESTRICTED_TASK_TITLE } from '../../shared/domain/service/visibility';

/** Tasks about tickets (issue 7): their text follows the ticket rule, except for their assignee and creator. */
const task = (over: Partial<Task> = {}): Task => ({
  id: 'K1',
  title: 'Follow-up visit (回访) for complaint #12',
  description: 'She was charged twice for order 1001',
  completionCriteria: 'Call her back',
  outcome: 'Refund confirmed',
  assigneeId: 'zoe',
  priority: 'high',
  status: 'open',
  remindBeforeMinutes: 30,
  links: { ticketId: 'T1', customerId: 'C1' },
  mentions: [],
  kind: 'follow-up-visit',
  createdBy: 'lead',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  ...over,
});
const seesNone = () => false;
const seesT1 = (id: string) => id === 'T1';

describe('who reads a task’s text', () => {
  it('anyone, for a task linked to no ticket', () => {
    expect(readsTaskText('amy', task({ links: { customerId: 'C1' } }), seesNone)).toBe(true);
  });
  it('its assignee and its creator, whoever sees the ticket', () => {
    expect(readsTaskText('zoe', task(), seesNone)).toBe(true);
    expect(readsTaskText('lead', task(), seesNone)).toBe(true);
  });
  it('anyone else only when they see the linked ticket', () => {
    expect(readsTaskText('amy', task(), seesNone)).toBe(false);
    expect(readsTaskText('amy', task(), seesT1)).toBe(true);
    expect(readsTaskText('amy', task({ links: { ticketId: 'T2' } }), seesT1)).toBe(false);
  });
});

describe('a redacted task', () => {
  it('has a generic title, no description, criteria, outcome or ticket link; the rest stays', () => {
    const r = redactTask(task());
    expect(r).toEqual({ ...task(), title: RESTRICTED_TASK_TITLE, links: { customerId: 'C1' }, description: undefined, completionCriteria: undefined, outcome: undefined });
    expect(Object.keys(r)).not.toContain('description');
    expect(Object.keys(r)).not.toContain('completionCriteria');
    expect(Object.keys(r)).not.toContain('outcome');
    expect(JSON.stringify(r)).not.toMatch(/charged twice|#12|"T1"|Call her|Refund/);
  });
});
