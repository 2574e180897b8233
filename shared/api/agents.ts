import * as z from 'zod/mini';
import { ASSIGNMENT_MODES, MAX_GROUP_MEMBERS } from '../domain/service/agents';
import { defineRoute, once } from './contract';
import { isoDateTime, pageOf, pageQuery, text } from './common';
import { agentId, groupId } from './tickets';

/** Contracts of the agent directory and groups (queues) of the service desk. */
export const agentSchema = once(() =>
  z.object({ id: z.string(), name: z.string(), managerId: z.optional(z.string()), active: z.boolean(), onDuty: z.boolean(), createdAt: isoDateTime(), updatedAt: isoDateTime(), version: z.int() }),
);
const groupSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    managerId: z.optional(z.string()),
    members: z.array(z.string()),
    assignment: z.enum(ASSIGNMENT_MODES),
    lastAssigneeId: z.optional(z.string()),
    active: z.boolean(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);
const agentParams = once(() => z.strictObject({ agentId: agentId() }));
const groupParams = once(() => z.strictObject({ groupId: groupId() }));
const groupBody = () => ({
  name: text(100),
  managerId: z.optional(z.nullable(agentId())),
  members: z.array(agentId()).check(z.maxLength(MAX_GROUP_MEMBERS)),
  assignment: z._default(z.enum(ASSIGNMENT_MODES), 'manual'),
  active: z.optional(z.boolean()),
});

export const putAgent = defineRoute({
  operationId: 'putAgent',
  method: 'PUT',
  path: '/v1/agents/{agentId}',
  permission: 'service:admin',
  summary: 'Create or change an agent (their id is the `sub` of their token): name, manager (overdue tasks escalate to them), active, on duty; send `version` to change one',
  tag: 'Service desk admin',
  params: agentParams,
  body: () => z.strictObject({ name: text(100), managerId: z.optional(z.nullable(agentId())), active: z.optional(z.boolean()), onDuty: z.optional(z.boolean()), version: z.optional(z.int().check(z.positive())) }),
  response: agentSchema,
  status: 200,
});

export const getAgent = defineRoute({
  operationId: 'getAgent',
  method: 'GET',
  path: '/v1/agents/{agentId}',
  permission: 'tasks:read',
  summary: 'One agent of the directory',
  tag: 'Service desk admin',
  params: agentParams,
  response: agentSchema,
  status: 200,
});

export const listAgents = defineRoute({
  operationId: 'listAgents',
  method: 'GET',
  path: '/v1/agents',
  permission: 'tasks:read',
  summary: 'The agent directory',
  tag: 'Service desk admin',
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(agentSchema()),
  status: 200,
});

export const createGroup = defineRoute({
  operationId: 'createGroup',
  method: 'POST',
  path: '/v1/groups',
  permission: 'service:admin',
  summary: 'Create a group (queue) with a manager (breaches escalate to them), members and an assignment mode: manual, round-robin or least-loaded',
  tag: 'Service desk admin',
  body: () => z.strictObject({ id: groupId(), ...groupBody() }),
  response: groupSchema,
  status: 201,
});

export const updateGroup = defineRoute({
  operationId: 'updateGroup',
  method: 'PUT',
  path: '/v1/groups/{groupId}',
  permission: 'service:admin',
  summary: 'Replace a group (send the version you read)',
  tag: 'Service desk admin',
  params: groupParams,
  body: () => z.strictObject({ ...groupBody(), version: z.int().check(z.positive()) }),
  response: groupSchema,
  status: 200,
});

export const getGroup = defineRoute({
  operationId: 'getGroup',
  method: 'GET',
  path: '/v1/groups/{groupId}',
  permission: 'tickets:read',
  summary: 'One group',
  tag: 'Service desk admin',
  params: groupParams,
  response: groupSchema,
  status: 200,
});

export const listGroups = defineRoute({
  operationId: 'listGroups',
  method: 'GET',
  path: '/v1/groups',
  permission: 'tickets:read',
  summary: 'The groups (queues)',
  tag: 'Service desk admin',
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(groupSchema()),
  status: 200,
});
