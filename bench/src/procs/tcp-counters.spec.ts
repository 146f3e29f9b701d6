import { parseProcNet, readTcpCounters, tcpCountersOf, tcpDelta } from './tcp-counters';

// Captured on this machine's kernel (6.18) during an overload run, the long TcpExt lines cut after TCPSynRetrans.
const NETSTAT = [
  'TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPTimeouts TCPSynRetrans',
  'TcpExt: 0 0 0 0 0 0 0 0 0 0 19 0 0 0 0 0 0 0 0 16 0 1 196834 197012 118 2291 123456',
  'IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets',
  'IpExt: 0 0 0 0 0 0 125472990 593946',
  '',
].join('\n');

const SNMP = [
  'Ip: Forwarding DefaultTTL InReceives InHdrErrors',
  'Ip: 1 64 4446 0',
  'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors',
  'Tcp: 1 200 120000 -1 48 11 17 0 6 4407 3574 130000 0 33 0',
  'Udp: InDatagrams NoPorts',
  'Udp: 10 0',
  '',
].join('\n');

describe('/proc/net TCP counters', () => {
  it('pairs each header line with its value line, by prefix', () => {
    const all = parseProcNet(SNMP);
    expect(all.get('Tcp.MaxConn')).toBe(-1);
    expect(all.get('Ip.DefaultTTL')).toBe(64);
    expect(all.get('Udp.NoPorts')).toBe(0);
    expect(all.has('Tcp.Tcp:')).toBe(false);
  });

  it('picks the watched counters out of netstat and snmp', () => {
    expect(tcpCountersOf(NETSTAT, SNMP)).toEqual({
      listenOverflows: 196834,
      listenDrops: 197012,
      synRetrans: 123456,
      timeouts: 2291,
      retransSegs: 130000,
      activeOpens: 48,
    });
  });

  it('gives TCPTimeouts as null where the kernel has none, and missing counters as 0', () => {
    const counters = tcpCountersOf('TcpExt: ListenOverflows\nTcpExt: 5\n', '');
    expect(counters).toEqual({ listenOverflows: 5, listenDrops: 0, synRetrans: 0, timeouts: null, retransSegs: 0, activeOpens: 0 });
  });

  it('subtracts counter by counter', () => {
    const start = tcpCountersOf(NETSTAT, SNMP);
    const end = { ...start, listenOverflows: start.listenOverflows + 7, activeOpens: 1048, timeouts: 2300 };
    expect(tcpDelta(start, end)).toEqual({
      listenOverflows: 7,
      listenDrops: 0,
      synRetrans: 0,
      timeouts: 9,
      retransSegs: 0,
      activeOpens: 1000,
    });
    expect(tcpDelta({ ...start, timeouts: null }, end).timeouts).toBeNull();
  });

  it('reads this machine', () => {
    expect(readTcpCounters()?.activeOpens).toBeGreaterThanOrEqual(0);
  });
});
