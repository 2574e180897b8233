import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { attachment } from '../runtime/blob-store';
import type { HttpEvent } from './handler';

/**
 * Turns a route's successful answer into a CSV download. The kernel answers JSON; a route whose
 * contract response is the CSV text (a JSON string) is wrapped with this, so authentication,
 * validation and errors (problem+json) stay the kernel's and only a 200 becomes `text/csv`.
 */
export function csvDownload(
  inner: (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>,
  filename: (event: HttpEvent) => string,
) {
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const res = await inner(event, context);
    if (res.statusCode !== 200 || typeof res.body !== 'string') return res;
    return {
      ...res,
      headers: { ...res.headers, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(filename(event)) },
      body: JSON.parse(res.body) as string,
    };
  };
}
