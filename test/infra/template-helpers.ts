import type { Template } from 'aws-cdk-lib/assertions';

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
