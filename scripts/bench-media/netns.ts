/**
 * Network namespaces made and removed by the benchmark: a namespace joined to this one by a
 * veth pair with a private /30 of its own (nothing else is routed). Janus runs in one: it never
 * offers loopback candidates, so it gets an address of its own that only this machine reaches.
 * Needs root (CAP_NET_ADMIN).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

/** A namespace with a veth link to the host namespace. */
export class Namespace {
  private constructor(
    /** Namespace name (also the stem of its interface names). */
    readonly name: string,
    /** The host end's address (reachable from inside). */
    readonly hostIp: string,
    /** The namespace end's address. */
    readonly nsIp: string,
    readonly hostDev: string,
    readonly nsDev: string,
  ) {}

  /** Removes namespaces `stem`PID left by benchmark runs that were killed (their PID is gone). */
  static async removeStale(stem: string): Promise<void> {
    const { stdout } = await ip('netns', 'list');
    for (const line of stdout.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      const pid = new RegExp(`^${stem}(\\d+)$`).exec(name)?.[1];
      if (pid && !fs.existsSync(`/proc/${pid}`)) await new Namespace(name, '', '', `${name}h`, `${name}n`).remove();
    }
  }

  /** Creates `name` with the link 10.254.`subnet`.1 (host) ↔ 10.254.`subnet`.2 (inside). */
  static async create(name: string, subnet: number): Promise<Namespace> {
    const ns = new Namespace(name, `10.254.${subnet}.1`, `10.254.${subnet}.2`, `${name}h`, `${name}n`);
    await ns.remove(); // a previous run that was killed may have left it
    await ip('netns', 'add', name);
    try {
      await ip('link', 'add', ns.hostDev, 'type', 'veth', 'peer', 'name', ns.nsDev);
      await ip('link', 'set', ns.nsDev, 'netns', name);
      await ip('addr', 'add', `${ns.hostIp}/30`, 'dev', ns.hostDev);
      await ip('link', 'set', ns.hostDev, 'up');
      await ip('netns', 'exec', name, 'ip', 'addr', 'add', `${ns.nsIp}/30`, 'dev', ns.nsDev);
      await ip('netns', 'exec', name, 'ip', 'link', 'set', ns.nsDev, 'up');
      await ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    } catch (err) {
      await ns.remove();
      throw err;
    }
    return ns;
  }

  /** Prefix that runs a command inside the namespace. */
  get exec(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  /** Removes the namespace and its link. Safe to call when they do not exist. */
  async remove(): Promise<void> {
    await ip('link', 'del', `${this.name}h`).catch(() => undefined);
    await ip('netns', 'del', this.name).catch(() => undefined);
  }
}
