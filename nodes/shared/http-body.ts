/**
 * The body of an n8n HTTP helper response as text: the lib's transports (OCPI, Odoo, HTTP delivery) parse it
 * themselves, whatever form n8n handed it over in.
 */
export function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	// Already parsed by the HTTP layer: serialise it back so the client still sees JSON.
	return JSON.stringify(body);
}
