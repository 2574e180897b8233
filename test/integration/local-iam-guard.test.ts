import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { guardTable, runAs } from '../../infra/local/iam-guard';
import { testDb } from '../support/db';

/** The local runtime refuses what IAM would refuse in AWS: writes from read-only functions, Scan without `scans`. */
test('table calls are checked against the running function’s spec', async () => {
  const db = await testDb();
  guardTable(db.doc);
  const put = () => db.doc.send(new PutCommand({ TableName: db.tableName, Item: { PK: 'X', SK: 'Y' } }));
  const scan = () => db.doc.send(new ScanCommand({ TableName: db.tableName, Limit: 1 }));
  const get = () => db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: 'X', SK: 'Y' } }));

  await expect(runAs({ name: 'reader', table: 'read' }, put)).rejects.toThrow(/reader is not allowed PutItemCommand/);
  await expect(runAs({ name: 'reader', table: 'read' }, scan)).rejects.toThrow(/reader is not allowed dynamodb:Scan/);
  await expect(runAs({ name: 'writer', table: 'write' }, scan)).rejects.toThrow(/scans: true/);
  await expect(runAs({ name: 'reader', table: 'read' }, get)).resolves.toBeDefined();
  await expect(runAs({ name: 'writer', table: 'write' }, put)).resolves.toBeDefined();
  await expect(runAs({ name: 'scanner', table: 'read', scans: true }, scan)).resolves.toBeDefined();
  // Outside a handler (the runtime itself, tests): no function, no check.
  await expect(put()).resolves.toBeDefined();
});
