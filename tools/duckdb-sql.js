#!/usr/bin/env node
// SPDX-License-Identifier: LGPL-2.1-or-later
// duckdb-sql DATABASE [SQL]: run SQL (or standard input) in DuckDB, through
// the @duckdb/node-api package that tools/install-deps.sh installs into
// .duckdb/ of the checkout (or DUCKDB_NODE_API names); prints each result
// row as tab-separated values. DATABASE ':memory:' is an in-memory one.
'use strict';
const fs = require('fs');
const path = require('path');

const prog = 'duckdb-sql';
const api = process.env.DUCKDB_NODE_API ||
	path.join(__dirname, '..', '.duckdb', 'node_modules', '@duckdb', 'node-api');

async function main() {
	const args = process.argv.slice(2);
	if (args.length < 1 || args.length > 2 || args[0] === '--help') {
		process.stderr.write(`Usage: ${prog} DATABASE [SQL]\n`);
		return 2;
	}
	let duckdb;
	try {
		duckdb = require(api);
	} catch (e) {
		process.stderr.write(`${prog}: no DuckDB at ${api} (run tools/install-deps.sh)\n`);
		return 1;
	}
	const sql = args.length > 1 ? args[1] : fs.readFileSync(0, 'utf8');
	const instance = await duckdb.DuckDBInstance.create(args[0]);
	const conn = await instance.connect();
	try {
		const statements = await conn.extractStatements(sql);
		for (let i = 0; i < statements.count; i++) {
			const prepared = await statements.prepare(i);
			const reader = await prepared.runAndReadAll();
			for (const row of reader.getRowsJS())
				process.stdout.write(row.map((v) => (v === null ? 'NULL' : String(v))).join('\t') + '\n');
		}
	} catch (e) {
		process.stderr.write(`${prog}: ${e.message}\n`);
		return 1;
	} finally {
		conn.closeSync();
	}
	return 0;
}

main().then((rc) => { process.exitCode = rc; });
