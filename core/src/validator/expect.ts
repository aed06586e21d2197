import type { Expectation, Template } from './check.js';
import { compare } from './compare.js';
import { type Exchange, interfaceIdBytes, summarise } from './exchange.js';

/**
 * What is wrong with an exchange against an expectation (state afterwards aside: that takes
 * another exchange). Every response must also echo the request's INTERFACE_ID.
 */
export function problemsWith(exchange: Exchange, expectation: Expectation, resolve: (t: Template) => unknown): string[] {
  const { view } = exchange;
  const problems: string[] = [];
  const wanted = expectation.error ? `TDISP_ERROR ${expectation.error}` : expectation.response;
  const typeOk = wanted === undefined || (expectation.error ? view['messageType'] === 'TDISP_ERROR' && view['errorCode'] === expectation.error : view['messageType'] === wanted);
  if (!typeOk) problems.push(`got ${summarise(view)}, expected ${wanted}`);
  const sent = interfaceIdBytes(exchange.request.bytes);
  const echoed = interfaceIdBytes(exchange.response);
  if (sent !== echoed) problems.push(`INTERFACE_ID not echoed: response has ${echoed}, request had ${sent}`);
  // Field relations of a response of the wrong type would only repeat the problem above.
  if (typeOk) {
    for (const [field, comparison] of Object.entries(expectation.fields ?? {})) problems.push(...compare(field, view[field], comparison, resolve));
  }
  return problems;
}
