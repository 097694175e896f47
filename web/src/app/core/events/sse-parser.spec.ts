import { SseParser, backoffDelay } from './sse-parser';

describe('SseParser', () => {
  it('parses named events with JSON data and skips comments', () => {
    const p = new SseParser();
    const out = p.push(': keep-alive\n\nevent: gate_decision\ndata: {"plate_number":"KA01AB1234"}\n\n');
    expect(out).toEqual([{ event: 'gate_decision', data: '{"plate_number":"KA01AB1234"}' }]);
  });

  it('joins multi-line data with newlines and defaults the event name', () => {
    const p = new SseParser();
    expect(p.push('data: a\ndata:b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('handles lines and CRLF split across chunks', () => {
    const p = new SseParser();
    expect(p.push('event: pu')).toEqual([]);
    expect(p.push('nch\r')).toEqual([]);
    expect(p.push('\ndata: {"id":')).toEqual([]);
    expect(p.push('7}\r\n\r')).toEqual([{ event: 'punch', data: '{"id":7}' }]);
    // the LF completing the CR above must not dispatch an empty event or start a blank line twice
    expect(p.push('\nevent: occupancy\ndata: 1\n\n')).toEqual([{ event: 'occupancy', data: '1' }]);
  });

  it('accepts bare CR line endings', () => {
    const p = new SseParser();
    expect(p.push('event: x\rdata: y\r\r')).toEqual([{ event: 'x', data: 'y' }]);
  });

  it('does not dispatch an event without data, and resets the name after each event', () => {
    const p = new SseParser();
    expect(p.push('event: lonely\n\n')).toEqual([]);
    expect(p.push('data: z\n\n')).toEqual([{ event: 'message', data: 'z' }]);
  });

  it('reports id and retry, and ignores unknown fields', () => {
    const p = new SseParser();
    expect(p.push('id: 42\nretry: 3000\nfoo: bar\ndata: d\n\n')).toEqual([{ event: 'message', data: 'd', id: '42', retry: 3000 }]);
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.push('event: vehicle_alert\ndata: {}\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ event: 'vehicle_alert', data: '{}' }]);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, 1000, 30000, noJitter))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(10, 1000, 30000, noJitter)).toBe(30000);
  });

  it('jitters down by at most 20 %', () => {
    expect(backoffDelay(2, 1000, 30000, () => 1)).toBe(3200);
  });
});
