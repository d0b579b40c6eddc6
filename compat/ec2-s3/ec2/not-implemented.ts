// EC2 Query API placeholder: every Action answers EC2's NotImplemented error until the EC2 face lands.
import { buildXml } from '../common/rest-xml.js';

/** EC2's error document `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function ec2ErrorResponse(status: number, code: string, message: string, requestId: string): Response {
  const body = buildXml('Response', { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId });
  return new Response(body, { status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId } });
}

/** `POST /` with `Action=`: the EC2 face is not implemented yet. */
export function ec2NotImplemented(requestId: string, action?: string): Response {
  return ec2ErrorResponse(501, 'NotImplemented', `The action ${action ?? ''} is not implemented.`.replace('  ', ' '), requestId);
}
