import { ChildProcess, fork } from 'node:child_process';
import { produce, type ProduceOrder } from './bridgeProducer';

/**
 * The bridges bench's producer in a process of its own: started (and its SDK loaded) before the clock starts, it
 * answers each order with `done` and its own CPU time, or `failed` with the reason.
 */

type Answer = { type: 'ready' } | { type: 'done'; cpuMs: number } | { type: 'failed'; error: string };

export class ProducerProcess {
  private child?: ChildProcess;
  private waiting: ((m: Answer) => void)[] = [];

  async start(): Promise<void> {
    const child = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (m: Answer) => this.waiting.shift()?.(m));
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ type: 'failed', error: `the producer exited (${code})` });
    });
    const ready = await this.next();
    if (ready.type !== 'ready') throw new Error(`bench: the producer did not start (${JSON.stringify(ready)})`);
  }

  /** Runs the order in the producer process; resolves with the producer's CPU ms once every put was accepted. */
  async produce(order: ProduceOrder): Promise<number> {
    const answer = this.next();
    this.child!.send(order);
    const m = await answer;
    if (m.type !== 'done') throw new Error(`bench: the producer failed: ${m.type === 'failed' ? m.error : m.type}`);
    return m.cpuMs;
  }

  async stop(): Promise<void> {
    const child = this.child!;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.disconnect();
    await exited;
  }

  private next(): Promise<Answer> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

if (require.main === module && process.send) {
  const send = (m: Answer) => process.send!(m);
  process.on('message', (order: ProduceOrder) => {
    const cpu = process.cpuUsage();
    produce(order).then(
      () => {
        const used = process.cpuUsage(cpu);
        send({ type: 'done', cpuMs: (used.user + used.system) / 1000 });
      },
      (e: unknown) => send({ type: 'failed', error: e instanceof Error ? e.message : String(e) }),
    );
  });
  // Disconnecting is the parent's stop.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}
