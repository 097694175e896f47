import { feedUrl, renewDelay } from './camera-feed';

const link = {
  token: 't', expires_at: '2026-12-07T00:20:00Z',
  stream_url: '/api/v1/cameras/CAM-GATE/stream.mjpeg?token=abc',
  snapshot_url: '/api/v1/cameras/CAM-GATE/snapshot.jpg?token=abc',
};

describe('camera feed', () => {
  it('asks for a width snapped down to a multiple of 160, and the fps', () => {
    expect(feedUrl(link, 'stream', 700, 8)).toBe('/api/v1/cameras/CAM-GATE/stream.mjpeg?token=abc&width=640&fps=8');
    expect(feedUrl(link, 'stream', 100, null)).toBe('/api/v1/cameras/CAM-GATE/stream.mjpeg?token=abc&width=160');
  });

  it('uses the snapshot URL with a cache buster for stills', () => {
    expect(feedUrl(link, 'snapshot', 640, 8, 123)).toBe('/api/v1/cameras/CAM-GATE/snapshot.jpg?token=abc&width=640&_=123');
  });

  it('renews a viewer token a minute before it expires, never sooner than 5 s', () => {
    const now = Date.parse('2026-12-07T00:10:00Z');
    expect(renewDelay('2026-12-07T00:20:00Z', now)).toBe(9 * 60 * 1000);
    expect(renewDelay('2026-12-07T00:10:30Z', now)).toBe(5000);
    expect(renewDelay('garbage', now)).toBe(5000);
  });
});
