#!/usr/bin/env python3
"""Weekly and monthly count series of UCDP GED events in Balochistan, the input of the spike-detector
reference checks (monitor-surveillance.R) and of bench/detection.

Weeks start on Monday; week 0 is 2004-01-05 (the first Balochistan years before 2004 hold 7 events in
12 years). Months run 2004-01 .. 2021-12. District names are UCDP's adm_2 without the " district"
suffix. "events" counts events; "deaths" sums UCDP's best estimate of fatalities.

Run: python3 scripts/reference/monitor-ucdp-series.py
Writes packages/engine/test/fixtures/reference/monitor-ucdp-series.json
"""
import csv, datetime, json, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
SRC = os.path.join(ROOT, 'data/reference/ucdp-ged-pakistan/ucdp_ged_pakistan_1989-2021.csv')
OUT = os.path.join(ROOT, 'packages/engine/test/fixtures/reference/monitor-ucdp-series.json')
W0 = datetime.date(2004, 1, 5)
W_END = datetime.date(2021, 12, 27)  # last Monday of 2021
N_WEEKS = (W_END - W0).days // 7 + 1
N_MONTHS = 18 * 12
DISTRICTS = ['Quetta', 'Dera Bugti', 'Kech', 'Kohlu', 'Nasirabad', 'Mastung', 'Awaran', 'Panjgur']

rows = [r for r in csv.DictReader(open(SRC, encoding='utf-8')) if r['adm_1'] == 'Balochistan province']
weekly = {'province:events': [0] * N_WEEKS, 'province:deaths': [0] * N_WEEKS}
monthly = {'province:events': [0] * N_MONTHS}
for d in DISTRICTS:
    weekly[d + ':events'] = [0] * N_WEEKS
    monthly[d + ':events'] = [0] * N_MONTHS
skipped = 0
for r in rows:
    day = datetime.date.fromisoformat(r['date_start'][:10])
    if day < W0 or day > W_END + datetime.timedelta(days=6):
        skipped += 1
        continue
    wk = (day - W0).days // 7
    mo = (day.year - 2004) * 12 + day.month - 1
    district = r['adm_2'].replace(' district', '')
    weekly['province:events'][wk] += 1
    weekly['province:deaths'][wk] += int(r['best'])
    monthly['province:events'][mo] += 1
    if district in DISTRICTS:
        weekly[district + ':events'][wk] += 1
        monthly[district + ':events'][mo] += 1

out = {
    'source': 'UCDP GED 1989-2021, adm_1 = Balochistan province; scripts/reference/monitor-ucdp-series.py',
    'firstWeekMonday': W0.isoformat(),
    'firstMonth': '2004-01',
    'eventsOutsideRange': skipped,
    'weekly': weekly,
    'monthly': monthly,
}
with open(OUT, 'w') as f:
    json.dump(out, f, separators=(',', ':'))
print(OUT, N_WEEKS, 'weeks', N_MONTHS, 'months', 'skipped', skipped,
      {k: sum(v) for k, v in weekly.items()})
