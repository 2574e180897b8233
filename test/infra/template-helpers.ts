import type { CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** Small readers of synthesized CloudFormation shared by the infra tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;
export interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
}

export const ofType = (t: Template, type: string) => t.findResources(type) as Record<string, Resource>;
export const getAttId = (v: unknown): string | undefined => (v as Json | undefined)?.['Fn::GetAtt']?.[0];
export const refId = (v: unknown): string | undefined => (v as Json | undefined)?.Ref;
export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * The stateless stack as one template: its nested stacks' resources merged into the parent's, with
 * the parameters CDK passes down replaced by the parent's values and the parent's reads of nested
 * outputs replaced by the output values, so references read as they would in a single stack.
 */
export function mergedTemplate(stack: Stack & { groups: ReadonlyMap<string, NestedStack> }): Template {
  const parent = Template.fromStack(stack).toJSON() as Json;
  const resources: Json = { ...parent.Resources };
  const outputs = new Map<string, Map<string, unknown>>();
  const nested: { id: string; json: Json; params: Json }[] = [];
  for (const group of stack.groups.values()) {
    const id = stack.getLogicalId(group.nestedStackResource as CfnElement);
    const json = Template.fromStack(group).toJSON() as Json;
    nested.push({ id, json, params: (resources[id]?.Properties?.Parameters ?? {}) as Json });
    delete resources[id];
  }
  for (const n of nested) {
    const sub = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sub);
      if (v && typeof v === 'object') {
        const o = v as Json;
        if (typeof o.Ref === 'string' && o.Ref in n.params) return n.params[o.Ref];
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, sub(x)]));
      }
      return v;
    };
    for (const [rid, r] of Object.entries(n.json.Resources ?? {})) {
      if (rid in resources) throw new Error(`logical id ${rid} is in two stacks`);
      resources[rid] = sub(r);
    }
    outputs.set(n.id, new Map(Object.entries(n.json.Outputs ?? {}).map(([k, o]) => [k, sub((o as Json).Value)])));
  }
  const back = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(back);
    if (v && typeof v === 'object') {
      const o = v as Json;
      const att = o['Fn::GetAtt'];
      if (Array.isArray(att) && outputs.has(att[0]) && typeof att[1] === 'string' && att[1].startsWith('Outputs.')) return back(outputs.get(att[0])!.get(att[1].slice('Outputs.'.length)));
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, back(x)]));
    }
    return v;
  };
  return Template.fromJSON({ ...parent, Resources: back(resources) as Json, Outputs: back(parent.Outputs ?? {}) as Json });
}
