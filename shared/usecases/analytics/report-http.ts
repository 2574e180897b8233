import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteContract } from '../../api/contract';
import { csvDownload } from '../../http/csv-response';
import { httpHandler, type HttpEvent, type HttpRequest } from '../../http/handler';

/**
 * A report route: the kernel (token, permission, validation, problem+json) around the report's use
 * case; with `format=csv` the same answer becomes a CSV download of the report's main table.
 */
export function reportHandler<C extends RouteContract, R>(contract: C, name: string, run: (req: HttpRequest<C>) => Promise<R>, csv: (report: R) => string) {
  const inner = httpHandler(contract, async (req) => {
    const report = await run(req);
    const wantsCsv = (req.query as { format?: string } | undefined)?.format === 'csv';
    return { body: (wantsCsv ? csv(report) : report) as never };
  });
  const download = csvDownload(inner, (event) => {
    const q = event.queryStringParameters ?? {};
    return `${name}${q.from ? `-${q.from}` : ''}${q.to ? `-${q.to}` : ''}.csv`;
  });
  const handler = (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => (event.queryStringParameters?.format === 'csv' ? download(event, context) : inner(event, context));
  return Object.assign(handler, { contract });
}
