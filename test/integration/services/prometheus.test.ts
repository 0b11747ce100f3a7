import { describe, expect, it } from 'vitest';

describe('prometheus (services:up)', () => {
  const url = process.env.PROMETHEUS_URL!;

  it('is ready', async () => {
    const res = await fetch(`${url}/-/ready`);
    expect(res.status).toBe(200);
  });

  it('answers a PromQL query', async () => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('prometheus_build_info')}`);
    const body = (await res.json()) as { status: string; data: { resultType: string } };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
  });
});
