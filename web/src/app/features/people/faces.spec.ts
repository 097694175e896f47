import { HttpErrorResponse } from '@angular/common/http';
import { photoResults } from './faces';

describe('photoResults', () => {
  it('marks every photo enrolled on success', () => {
    expect(photoResults(['a.jpg', 'b.jpg'], { ok: true }).map((r) => r.state)).toEqual(['enrolled', 'enrolled']);
  });

  it("shows the API's refusal reason on each refused photo and asks to resend the others", () => {
    const error = new HttpErrorResponse({
      status: 422,
      error: {
        error: {
          code: 'validation_error',
          message: 'no photo was enrolled; fix these and send again: b.jpg: no face found',
          details: [{ field: 'images', message: 'b.jpg: no face found', image: 'b.jpg', reason: 'no face found' }],
        },
      },
    });
    const results = photoResults(['a.jpg', 'b.jpg'], { ok: false, error });
    expect(results[1]).toEqual({ name: 'b.jpg', state: 'refused', reason: 'no face found' });
    expect(results[0].state).toBe('not-sent');
  });

  it('marks nothing refused when the error is not about photos', () => {
    const error = new HttpErrorResponse({ status: 503, error: { error: { code: 'x', message: 'engine down' } } });
    expect(photoResults(['a.jpg'], { ok: false, error }).map((r) => r.state)).toEqual(['not-sent']);
  });
});
