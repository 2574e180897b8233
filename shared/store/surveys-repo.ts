import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Survey } from '../domain/service/surveys';
import type { Db } from './client';
import { stripKeys, surveyKey } from './keys';
import type { TransactItem } from './transact';

/** Surveys: one item each; its status moves sending → sent → answered, each step conditional. */
export const SURVEY_ENTITY = 'survey';

export class SurveysRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Survey | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: surveyKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Survey>(res.Item) : undefined;
  }

  /** Written when new, or over the status it was read in (an answer is taken once). */
  put(s: Survey, expectStatus?: Survey['status']): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...surveyKey(s.id), entity: SURVEY_ENTITY, ...s },
        ...(expectStatus
          ? { ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': expectStatus } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }
}
