// sftpgw uploads, the pure part: Transfer Family structured-log lines in the
// documented format (test/helpers/transfer-log.ts) parsed, joined by
// session-id, and matched to copies under ingest/.
import { expect } from 'chai';
import { ingestDates, ingestStates } from '../../cli/engine/uploads/ingest.js';
import { LogTally, type Upload } from '../../cli/engine/uploads/join.js';
import { parseLogLine } from '../../cli/engine/uploads/parse-log.js';
import { closed, connected, disconnected, opened, SERVER_ARN } from '../helpers/transfer-log.js';

const T0 = Date.parse('2026-04-12T09:00:00Z');
const at = (minutes: number) => T0 + minutes * 60_000;

describe('sftpgw uploads: parsing the structured log', () => {
  it('reads a CONNECTED entry: user, address, client, server; other fields are ignored', () => {
    const p = parseLogLine(
      connected({ session: 's1', user: 'acme', ip: '203.0.113.7', extra: { 'new-field': [1] } }),
      at(0),
    );
    expect(p).to.deep.equal({
      ok: true,
      entry: {
        kind: 'connected',
        time: new Date(at(0)),
        sessionId: 's1',
        user: 'acme',
        sourceIp: '203.0.113.7',
        client: 'SSH-2.0-OpenSSH_9.6',
        serverArn: SERVER_ARN,
      },
    });
  });

  it('reads CLOSE (complete) and PARTIAL_CLOSE (partial), bytes-in as a string or a number', () => {
    const c = parseLogLine(closed({ session: 's1', path: '/b/acme/a.csv', bytes: '121' }), at(1));
    expect(c.ok && c.entry).to.deep.include({ kind: 'close', complete: true, bytesIn: 121 });
    const p = parseLogLine(
      closed({ session: 's1', path: '/b/acme/a.csv', bytes: 7, partial: true }),
      at(1),
    );
    expect(p.ok && p.entry).to.deep.include({ kind: 'close', complete: false, bytesIn: 7 });
  });

  it('takes activity types it does not know as other, not as errors', () => {
    for (const activity of ['TLS_RESUME_FAILURE', 'CONNECTION_REJECTED', 'SOMETHING_NEW'])
      expect(parseLogLine(JSON.stringify({ 'activity-type': activity }), at(0))).to.deep.equal({
        ok: true,
        entry: { kind: 'other', activity },
      });
  });

  it('says why a line is unreadable', () => {
    const reason = (line: string) => {
      const p = parseLogLine(line, at(0));
      return p.ok ? 'ok' : p.reason;
    };
    expect(reason('START RequestId: 1')).to.equal('not JSON');
    expect(reason('[1,2]')).to.equal('not a JSON object');
    expect(reason('{"user":"acme"}')).to.equal('no "activity-type"');
    expect(reason('{"activity-type":"CLOSE","path":"/b/x"}')).to.equal('CLOSE: no "session-id"');
    expect(reason('{"activity-type":"CONNECTED","session-id":"s"}')).to.equal(
      'CONNECTED: no "user"',
    );
    expect(
      reason('{"activity-type":"CLOSE","session-id":"s","path":"/b/x","bytes-in":"12kB"}'),
    ).to.equal('CLOSE: "bytes-in" is not a byte count ("12kB")');
  });
});

describe('sftpgw uploads: joining by session-id', () => {
  it('joins interleaved sessions, complete and partial, oldest first; drops downloads and other entries', () => {
    const t = new LogTally();
    const lines: Array<[number, string]> = [
      [0, connected({ session: 'a1', user: 'acme', ip: '203.0.113.7' })],
      [1, connected({ session: 'g1', user: 'globex', ip: '198.51.100.20' })],
      [2, opened({ session: 'a1', path: '/bkt/acme/orders.csv' })],
      [3, opened({ session: 'g1', path: '/bkt/globex/big.zip' })],
      [4, closed({ session: 'a1', path: '/bkt/acme/orders.csv', bytes: '121' })],
      [5, disconnected('a1')],
      [6, closed({ session: 'g1', path: '/bkt/globex/big.zip', bytes: '5000', partial: true })],
      [6, disconnected('g1')],
      [
        7,
        JSON.stringify({
          'activity-type': 'CLOSE',
          path: '/bkt/globex/report.pdf',
          'bytes-out': '900',
          'session-id': 'g1',
        }),
      ],
    ];
    // the order CloudWatch returns them in does not matter
    for (const [m, line] of [...lines].reverse()) t.add({ message: line, timestamp: at(m) });
    expect(t.uploads()).to.deep.equal([
      {
        time: new Date(at(4)),
        sessionId: 'a1',
        path: '/bkt/acme/orders.csv',
        complete: true,
        bytes: 121,
        user: 'acme',
        sourceIp: '203.0.113.7',
        client: 'SSH-2.0-OpenSSH_9.6',
        connectedAt: new Date(at(0)),
      },
      {
        time: new Date(at(6)),
        sessionId: 'g1',
        path: '/bkt/globex/big.zip',
        complete: false,
        bytes: 5000,
        user: 'globex',
        sourceIp: '198.51.100.20',
        client: 'SSH-2.0-OpenSSH_9.6',
        connectedAt: new Date(at(1)),
      },
    ]);
    expect(t.other).to.equal(4); // 2 OPEN, 2 DISCONNECTED
    expect(t.notUploads).to.equal(1); // the download
    expect(t.unreadable).to.equal(0);
    expect(t.sessionsWithoutConnection()).to.deep.equal([]);
  });

  it('keeps a CLOSE whose CONNECTED is not read, without user or address, and names its session', () => {
    const t = new LogTally();
    t.add({
      message: closed({ session: 'old', path: '/bkt/acme/x.csv', bytes: 3 }),
      timestamp: at(9),
    });
    expect(t.sessionsWithoutConnection()).to.deep.equal(['old']);
    expect(t.uploads()[0]).to.deep.equal({
      time: new Date(at(9)),
      sessionId: 'old',
      path: '/bkt/acme/x.csv',
      complete: true,
      bytes: 3,
    });
    // read later (the earlier window), it joins
    t.add({
      message: connected({ session: 'old', user: 'acme', ip: '192.0.2.1' }),
      timestamp: at(-600),
    });
    expect(t.sessionsWithoutConnection()).to.deep.equal([]);
    expect(t.uploads()[0]).to.include({ user: 'acme', sourceIp: '192.0.2.1' });
  });

  it('counts malformed lines with their first reasons, and counts an event read twice once', () => {
    const t = new LogTally();
    for (const bad of ['not json', '{"activity-type":"CLOSE"}', 'null', '{}'])
      t.add({ message: bad, timestamp: at(0) });
    const line = closed({ session: 's', path: '/b/u/f', bytes: 1 });
    t.add({ message: line, timestamp: at(1) });
    t.add({ message: line, timestamp: at(1) });
    expect(t.unreadable).to.equal(4);
    expect(t.unreadableReasons).to.deep.equal([
      'not JSON',
      'CLOSE: no "session-id", no "path"',
      'not a JSON object',
    ]);
    expect(t.uploads()).to.have.length(1);
  });
});

describe('sftpgw uploads: did it reach ingest/', () => {
  const upload = (o: Partial<Upload> & { time: Date }): Upload => ({
    sessionId: 's',
    path: '/bkt/acme/in/orders.csv',
    complete: true,
    user: 'acme',
    ...o,
  });

  it('lists every date from the session start (or an hour before the close) to the close, at most three', () => {
    expect(ingestDates(upload({ time: new Date('2026-04-12T00:20:00Z') }))).to.deep.equal([
      '2026-04-11',
      '2026-04-12',
    ]);
    expect(ingestDates(upload({ time: new Date('2026-04-12T09:00:00Z') }))).to.deep.equal([
      '2026-04-12',
    ]);
    expect(
      ingestDates(
        upload({
          time: new Date('2026-04-12T09:00:00Z'),
          connectedAt: new Date('2026-04-01T09:00:00Z'),
        }),
      ),
    ).to.deep.equal(['2026-04-10', '2026-04-11', '2026-04-12']);
  });

  it('matches same-named uploads to copies in time order; partial is never, no user unknown', async () => {
    const listed: string[] = [];
    const objects = [
      { key: 'ingest/acme/2026-04-12/v2/orders.csv', lastModified: new Date(at(31)) },
      { key: 'ingest/acme/2026-04-12/v1/orders.csv', lastModified: new Date(at(1)) },
      { key: 'ingest/acme/2026-04-12/v3/other.csv', lastModified: new Date(at(1)) },
    ];
    const listing = {
      async list(prefix: string) {
        listed.push(prefix);
        return objects.filter((o) => o.key.startsWith(prefix));
      },
    };
    const uploads = [
      upload({ time: new Date(at(30)) }),
      upload({ time: new Date(at(0)) }),
      upload({ time: new Date(at(60)) }),
      upload({ time: new Date(at(61)), complete: false }),
      upload({ time: new Date(at(62)), user: undefined }),
      upload({ time: new Date(at(63)), path: '/bkt/acme/orders.csv.filepart' }),
    ];
    const r = await ingestStates(uploads, listing);
    expect(r.states).to.deep.equal([
      { state: 'reached', key: 'ingest/acme/2026-04-12/v2/orders.csv' },
      { state: 'reached', key: 'ingest/acme/2026-04-12/v1/orders.csv' },
      { state: 'not-yet' },
      { state: 'never' },
      { state: 'unknown' },
      { state: 'not-yet' },
    ]);
    expect(listed).to.deep.equal(['ingest/acme/2026-04-12/']); // listed once
    expect(r.failure).to.equal(undefined);
  });

  it('a listing that fails makes those uploads unknown and says why', async () => {
    const r = await ingestStates([upload({ time: new Date(at(0)) })], {
      async list() {
        throw new Error('access denied: s3:ListBucket');
      },
    });
    expect(r).to.deep.equal({
      states: [{ state: 'unknown' }],
      failure: 'access denied: s3:ListBucket',
    });
  });
});
