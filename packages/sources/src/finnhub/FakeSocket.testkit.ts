import type { SchedulerLike } from 'rxjs';
import type { WebSocketConstructor, WebSocketLike } from './WebSocketLike.js';

/** A scripted WebSocket for unit tests: records instances; the test opens, feeds and fails them. */
export interface FakeSocket extends WebSocketLike {
  url: string;
  createdAt: number;
  sent: string[];
  closed: boolean;
  terminated: boolean;
  open(): void;
  message(text: string): void;
  fail(message?: string): void;
}

export function fakeSocketClass(scheduler: SchedulerLike): { WebSocket: WebSocketConstructor; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class Impl implements FakeSocket {
    readyState = 0;
    onopen: ((e: any) => void) | null = null;
    onmessage: ((e: any) => void) | null = null;
    onclose: ((e: any) => void) | null = null;
    onerror: ((e: any) => void) | null = null;
    sent: string[] = [];
    closed = false;
    terminated = false;
    createdAt: number;
    constructor(public url: string) {
      this.createdAt = scheduler.now();
      sockets.push(this);
    }
    send(data: string) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(data);
    }
    close() {
      this.closed = true;
      this.readyState = 3;
    }
    terminate() {
      this.terminated = true;
      this.readyState = 3;
    }
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }
    message(text: string) {
      this.onmessage?.({ data: text });
    }
    fail(message = 'connect ECONNREFUSED') {
      this.readyState = 3;
      this.onerror?.({ message });
      this.onclose?.({ code: 1006, reason: '' });
    }
  }
  return { WebSocket: Impl, sockets };
}
