import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { assignmentGate } from './assignmentGate.js';
import type { ProcessorRecord } from './processorPipeline.js';

const rec = (partition: number, offset: number): ProcessorRecord => ({ topic: 't', partition, offset: String(offset), value: {} });

describe('assignmentGate', () => {
  it('holds only newly assigned partitions until checkpoints read after the assignment are applied, and marks their first record', async () => {
    let applied = 0;
    let finish!: () => void;
    const gate = assignmentGate({ reload: () => new Promise<void>((r) => (finish = () => { applied++; r(); })) });
    const input = new Subject<ProcessorRecord>();
    const out: ProcessorRecord[] = [];
    input.pipe(gate.operator).subscribe((r) => out.push(r));
    input.next(rec(0, 5)); // not assigned through the gate: flows
    gate.assigned(['t|1']);
    input.next(rec(1, 40));
    input.next(rec(0, 6));
    input.next(rec(1, 41));
    expect(out.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:5', '0:6']);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(applied).toBe(1);
    expect(out.map((r) => `${r.partition}:${r.offset}:${r.redelivered === true}`)).toEqual(['0:5:false', '0:6:false', '1:40:true', '1:41:false']);
  });

  it('an assignment during a reload waits for a second reload (the first may predate the previous owner’s last checkpoint)', async () => {
    const finishers: (() => void)[] = [];
    const gate = assignmentGate({ reload: () => new Promise<void>((r) => finishers.push(r)) });
    const input = new Subject<ProcessorRecord>();
    const out: ProcessorRecord[] = [];
    input.pipe(gate.operator).subscribe((r) => out.push(r));
    gate.assigned(['t|0']);
    gate.assigned(['t|1']);
    input.next(rec(0, 1));
    input.next(rec(1, 1));
    finishers[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(out.map((r) => r.partition)).toEqual([0]);
    expect(finishers).toHaveLength(2);
    finishers[1]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(out.map((r) => r.partition)).toEqual([0, 1]);
  });

  it('retries a failed reload and completes only once nothing is held', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const gate = assignmentGate({
      reload: async () => {
        if (++calls === 1) throw new Error('Cassandra unavailable');
      },
      onError: (e) => errors.push(e),
    });
    const input = new Subject<ProcessorRecord>();
    const out: ProcessorRecord[] = [];
    let completed = false;
    input.pipe(gate.operator).subscribe({ next: (r) => out.push(r), complete: () => (completed = true) });
    gate.assigned(['t|0']);
    input.next(rec(0, 1));
    input.complete();
    expect(completed).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(errors).toHaveLength(1);
    expect(out).toHaveLength(1);
    expect(completed).toBe(true);
  });
});
