"""Reference values for the tabular Islamic calendar fallback (packages/engine/src/analysis/islamic-calendar.ts).

python3-convertdate (Debian) `islamic.from_gregorian`: the arithmetic calendar, civil epoch.
Run: /usr/bin/python3 scripts/reference/temporal-hijri.py > packages/engine/test/fixtures/reference/temporal-hijri.json
"""
import datetime
import json
import convertdate
from convertdate import islamic

epoch = datetime.date(1970, 1, 1)
rows = []
d = datetime.date(1980, 1, 1)
while d < datetime.date(2040, 1, 1):
    y, m, dd = islamic.from_gregorian(d.year, d.month, d.day)
    rows.append([(d - epoch).days, y, m, dd])
    d += datetime.timedelta(days=13)
print(json.dumps({'generator': 'convertdate %s islamic.from_gregorian' % convertdate.__version__,
                  'columns': ['dayNumber', 'year', 'month', 'day'], 'rows': rows}))
