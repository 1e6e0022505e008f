import { Client } from 'pg';
import { copyRows, CopyRowWriter } from '../../../src/profiles/store/copy-from-stdin';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

interface Row {
  id: string | null;
  name: string | null;
  at: string | null;
  doc: unknown;
  docb: unknown;
  hash: string;
  flag: boolean;
}

const COLUMNS = ['id', 'name', 'at', 'doc', 'docb', 'hash', 'flag'];
const write = (row: Row, columns: CopyRowWriter) =>
  columns
    .uuid(row.id)
    .text(row.name)
    .timestamptz(row.at)
    .json(row.doc)
    .jsonb(row.docb)
    .byteaFromHex(row.hash)
    .bool(row.flag);

/** The binary COPY encoder against the real server, one column of each type the store writes. */
describe('copyRows (binary COPY, real PostgreSQL)', () => {
  let env: TestEnvironment;
  let client: Client;

  beforeAll(async () => {
    env = await createTestEnvironment({ migrate: false });
    client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
  });

  beforeEach(async () => {
    await client.query(`DROP TABLE IF EXISTS copied`);
    await client.query(
      `CREATE TABLE copied (id uuid, name text, at timestamptz, doc json, docb jsonb, hash bytea, flag boolean)`,
    );
  });

  afterAll(async () => {
    await client?.end();
    await env?.teardown();
  });

  const stored = async () =>
    (
      await client.query<Row>(
        `SELECT id, name, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                doc, docb, encode(hash, 'hex') AS hash, flag
           FROM copied ORDER BY name NULLS LAST`,
      )
    ).rows;

  it('stores every type exactly, times before 2000 and far ahead included, and nulls as NULL', async () => {
    const rows: Row[] = [
      {
        id: '0f3c8a52-0000-4000-8000-0000000000AB',
        name: 'a: tab\t, newline\n, backslash\\, 漢字 🙂',
        at: '2024-05-01T10:00:00.123Z',
        doc: { note: 'tab\t "quoted" \\', nested: [1, null, true] },
        docb: { b: 2, a: 1 },
        hash: '00ff10',
        flag: true,
      },
      {
        id: '0f3c8a52-0000-4000-8000-0000000000cd',
        name: 'b: before 2000',
        at: '1969-07-20T20:17:40.001Z',
        doc: [],
        docb: 'a string',
        hash: '',
        flag: false,
      },
      {
        id: '0f3c8a52-0000-4000-8000-0000000000ef',
        name: 'c: far ahead',
        at: '9999-12-31T23:59:59.999Z',
        doc: 0,
        docb: [],
        hash: 'ab',
        flag: true,
      },
      { id: null, name: null, at: null, doc: null, docb: undefined, hash: '01', flag: false },
    ];
    expect(await copyRows(client, 'copied', COLUMNS, rows, write)).toBe(4);
    expect(await stored()).toEqual([
      { ...rows[0], id: rows[0].id?.toLowerCase() },
      rows[1],
      rows[2],
      { id: null, name: null, at: null, doc: null, docb: null, hash: '01', flag: false },
    ]);
  });

  it('stores rows and values larger than one CopyData message', async () => {
    const big = '漢字 and text '.repeat(20_000);
    const rows: Row[] = Array.from({ length: 2_000 }, (_, i) => ({
      id: `0f3c8a52-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `row ${String(i).padStart(4, '0')}`,
      at: '2024-05-01T10:00:00.000Z',
      doc: { text: i === 1_000 ? big : 'x'.repeat(i % 200) },
      docb: i === 1_500 ? { big } : { i },
      hash: 'ff'.repeat(32),
      flag: i % 2 === 0,
    }));
    expect(await copyRows(client, 'copied', COLUMNS, rows, write)).toBe(2_000);
    const back = await stored();
    expect(back).toHaveLength(2_000);
    expect(back[1_000].doc).toEqual({ text: big });
    expect(back[1_500].docb).toEqual({ big });
    expect(back[1_999]).toEqual(rows[1_999]);
  });

  it('rejects a value it cannot encode, naming it, and leaves the connection usable', async () => {
    const bad: Row = {
      id: 'not-a-uuid',
      name: 'bad',
      at: '2024-05-01T10:00:00.000Z',
      doc: {},
      docb: {},
      hash: '',
      flag: false,
    };
    await expect(copyRows(client, 'copied', COLUMNS, [bad], write)).rejects.toThrow(
      'not a UUID: not-a-uuid',
    );
    await expect(
      copyRows(client, 'copied', COLUMNS, [{ ...bad, id: null, at: 'yesterday' }], write),
    ).rejects.toThrow('not a time: yesterday');
    // Finer than milliseconds would be cut silently by Date.parse: refused instead.
    await expect(
      copyRows(
        client,
        'copied',
        COLUMNS,
        [{ ...bad, id: null, at: '2024-05-01T10:00:00.123456Z' }],
        write,
      ),
    ).rejects.toThrow('not a time: 2024-05-01T10:00:00.123456Z');
    expect((await client.query('SELECT count(*)::int AS n FROM copied')).rows).toEqual([{ n: 0 }]);
  });

  it('passes a server error on (a unique violation), so callers can retry', async () => {
    await client.query(`ALTER TABLE copied ADD PRIMARY KEY (id)`);
    const row: Row = {
      id: '0f3c8a52-0000-4000-8000-000000000001',
      name: 'once',
      at: null,
      doc: null,
      docb: null,
      hash: '',
      flag: true,
    };
    await copyRows(client, 'copied', COLUMNS, [row], write);
    await expect(copyRows(client, 'copied', COLUMNS, [row], write)).rejects.toMatchObject({
      code: '23505',
    });
  });
});
