import { HttpErrorResponse } from '@angular/common/http';
import { apiErrorMessage, apiErrorMessageAsync, fieldErrors } from './api-error';

const err = (status: number, error: unknown) => new HttpErrorResponse({ status, error, statusText: 'X' });

describe('apiErrorMessage', () => {
  it("shows the API's message", () => {
    expect(apiErrorMessage(err(409, { error: { code: 'conflict', message: 'department has 3 employees', details: [] } }))).toBe(
      'department has 3 employees',
    );
  });

  it('adds 422 details the message does not already mention, without the location prefix', () => {
    const body = {
      error: {
        code: 'validation_error',
        message: 'body.list: Field required',
        details: [
          { field: 'body.list', message: 'Field required' },
          { field: 'body.plate_number', message: 'String should have at most 30 characters' },
        ],
      },
    };
    expect(apiErrorMessage(err(422, body))).toBe('body.list: Field required; plate_number: String should have at most 30 characters');
  });

  it('parses a JSON error delivered as text', () => {
    expect(apiErrorMessage(err(404, '{"error":{"code":"not_found","message":"no such camera"}}'))).toBe('no such camera');
  });

  it('never dumps an HTML or unknown body', () => {
    expect(apiErrorMessage(err(502, '<html>Bad gateway</html>'))).toBe('The server had a problem (502). Try again in a moment.');
    expect(apiErrorMessage(err(0, null))).toMatch(/Cannot reach the server/);
    expect(apiErrorMessage(err(403, null))).toMatch(/permission/);
  });

  it('reads a Blob error body (downloads)', async () => {
    const blob = new Blob(['{"error":{"code":"x","message":"month out of range"}}'], { type: 'application/json' });
    expect(await apiErrorMessageAsync(err(422, blob))).toBe('month out of range');
  });

  it('maps 422 details to form fields', () => {
    const body = { error: { code: 'v', message: 'm', details: [{ field: 'body.email', message: 'not an email' }] } };
    expect(fieldErrors(err(422, body))).toEqual({ email: 'not an email' });
    expect(fieldErrors(err(409, body))).toEqual({});
  });
});
