/** Malformed frames the fake server sends on `sendGarbage()`: one of each kind a parser must survive. Internal. */
export const garbageFrames: readonly string[] = [
  'this is not json',
  '{"type":"trade","data":[{"s":"AAPL","p":1',
  '',
  '[1,2,3]',
  'null',
  '42',
  '{"type":"trade"}',
  '{"type":"trade","data":"not an array"}',
  '{"type":"trade","data":[null]}',
  '{"type":"trade","data":[{"s":"","p":1,"t":1,"v":1}]}',
  '{"type":"trade","data":[{"s":"AAPL","p":"1.5","t":1,"v":1}]}',
  '{"type":"trade","data":[{"s":"AAPL","p":1.5,"v":1}]}',
  '{"type":"mystery","data":[]}',
  '{"data":[{"s":"AAPL","p":1.5,"t":1,"v":1}]}',
  '\u0000\u0001\u0002',
];
