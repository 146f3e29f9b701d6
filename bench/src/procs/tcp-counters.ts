import { readFileSync } from 'node:fs';

/** The kernel's TCP counters the crowd series watches (whole network namespace, since boot). */
export interface TcpCounters {
  /** TcpExt ListenOverflows: a completed handshake found the accept queue full. */
  listenOverflows: number;
  /** TcpExt ListenDrops: connection attempts dropped at a listening socket (overflows included). */
  listenDrops: number;
  /** TcpExt TCPSynRetrans: SYNs (and SYN-ACKs) sent again. */
  synRetrans: number;
  /** TcpExt TCPTimeouts: retransmission timer expiries (null when the kernel has no such counter). */
  timeouts: number | null;
  /** Tcp RetransSegs: segments retransmitted. */
  retransSegs: number;
  /** Tcp ActiveOpens: connections this host opened (connect()). */
  activeOpens: number;
}

/**
 * Parses the `Prefix: Name Name …` / `Prefix: value value …` line pairs of `/proc/net/netstat`
 * and `/proc/net/snmp` into `Prefix.Name` → value.
 */
export function parseProcNet(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = lines[i] as string;
    const values = lines[i + 1] as string;
    const colon = header.indexOf(':');
    if (colon <= 0 || values.slice(0, colon + 1) !== header.slice(0, colon + 1)) continue;
    const prefix = header.slice(0, colon);
    const names = header
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const numbers = values
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (names.length !== numbers.length || Number.isNaN(Number(numbers[0]))) continue;
    names.forEach((name, j) => out.set(`${prefix}.${name}`, Number(numbers[j])));
    i++;
  }
  return out;
}

/** The watched counters from the texts of `/proc/net/netstat` and `/proc/net/snmp`; absent ones are 0 (TCPTimeouts: null). */
export function tcpCountersOf(netstat: string, snmp: string): TcpCounters {
  const all = parseProcNet(`${netstat}\n${snmp}`);
  const get = (key: string): number => all.get(key) ?? 0;
  return {
    listenOverflows: get('TcpExt.ListenOverflows'),
    listenDrops: get('TcpExt.ListenDrops'),
    synRetrans: get('TcpExt.TCPSynRetrans'),
    timeouts: all.get('TcpExt.TCPTimeouts') ?? null,
    retransSegs: get('Tcp.RetransSegs'),
    activeOpens: get('Tcp.ActiveOpens'),
  };
}

/** The counters now, or undefined where /proc/net cannot be read (not Linux). */
export function readTcpCounters(): TcpCounters | undefined {
  try {
    return tcpCountersOf(readFileSync('/proc/net/netstat', 'utf8'), readFileSync('/proc/net/snmp', 'utf8'));
  } catch {
    return undefined;
  }
}

/** `end − start`, counter by counter (TCPTimeouts null unless both have it). */
export function tcpDelta(start: TcpCounters, end: TcpCounters): TcpCounters {
  return {
    listenOverflows: end.listenOverflows - start.listenOverflows,
    listenDrops: end.listenDrops - start.listenDrops,
    synRetrans: end.synRetrans - start.synRetrans,
    timeouts: start.timeouts === null || end.timeouts === null ? null : end.timeouts - start.timeouts,
    retransSegs: end.retransSegs - start.retransSegs,
    activeOpens: end.activeOpens - start.activeOpens,
  };
}
