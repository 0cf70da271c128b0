/**
 * The words of the two editions. Sentences are templates with `{fact}` placeholders (format.ts
 * fills them from computed facts); nothing here carries a number of its own. Urdu text is written
 * right to left by the renderer (dir="rtl"); digits stay Western.
 */
import type { ReportLanguage, SectionId } from './model.js';

type Dict = Record<string, string>;

const EN: Dict = {
  'title.weekly': 'Weekly security brief',
  'title.monthly': 'Monthly threat assessment',
  'title.custom': 'Analytical report',
  'section.summary': 'Executive summary',
  'section.developments': 'Key developments',
  'section.trends': 'Incident trends by category and district',
  'section.maps': 'Maps: districts, hot spots and emerging hot spots',
  'section.near-repeat': 'Near-repeat findings',
  'section.alerts': 'Alerts of the period',
  'section.outlook': 'Forecast and risk outlook',
  'section.deployment': 'Recommended deployment',
  'section.evaluation': 'Evaluation of measures',
  'section.data-quality': 'Data quality and coverage',
  'section.methods': 'Methods notes',
  toc: 'Contents',
  classification: 'Classification',
  generated: 'Generated {at} by {by}',
  period: 'Period',
  scope: 'Area',
  page: 'Page',
  of: 'of',
  province: 'province',
  'summary.counts': 'In {period}, {count} incidents were recorded in {scope}: {killed} people were killed and {injured} injured.',
  'change.up.sig': 'Compared with {other}, incidents rose from {before} to {count} (rate ratio {ratio}), significant at the 5% level (p = {p}).',
  'change.up.ns': 'Compared with {other}, incidents rose from {before} to {count} (rate ratio {ratio}), not significant at the 5% level (p = {p}).',
  'change.down.sig': 'Compared with {other}, incidents fell from {before} to {count} (rate ratio {ratio}), significant at the 5% level (p = {p}).',
  'change.down.ns': 'Compared with {other}, incidents fell from {before} to {count} (rate ratio {ratio}), not significant at the 5% level (p = {p}).',
  'change.flat': 'Compared with {other}, incidents were unchanged at {count} (p = {p}).',
  'change.fromnone.sig': 'Compared with {other}, incidents rose from {before} to {count}, significant at the 5% level (p = {p}).',
  'change.fromnone.ns': 'Compared with {other}, incidents rose from {before} to {count}, not significant at the 5% level (p = {p}).',
  'change.none': 'There were no incidents in this period or in {other}.',
  'change.nodata': 'No comparison with {other} is possible: the store holds no incident of this area before {first}.',
  'trends.coverage': 'The store holds no incident of this area before {first}: months before it show zero because of missing records, not because nothing happened.',
  'summary.districts': '{sig} of {n} districts changed significantly after adjustment for multiple comparisons.',
  'summary.alerts': 'Replaying the alert rules over the period raises {alerts} alerts, {critical} of them critical.',
  'summary.forecast': 'The count model expects {mean} incidents in {next} (90% interval {lo} to {hi}).',
  'summary.risk': 'Districts in the severe band of the risk index for {next}: {severe}; {district} ranks highest.',
  'dev.district.sig': '{district}: incidents {dir} from {before} to {count}, significant after adjustment (adjusted p = {padj}).',
  'dev.district.largest': 'No district changed significantly after adjustment; the largest rise was in {district}, from {before} to {count} (adjusted p = {padj}).',
  'dev.district.none': 'No district changed significantly after adjustment for multiple comparisons.',
  'dev.emerging': 'Emerging hot spot analysis finds {new} new and {intensifying} intensifying hot spot cells over the {steps} months ending with this period.',
  'dev.hot': 'The strongest hot spot lies in {district} ({count} incidents in the cell, Gi* z = {z}).',
  'dev.critical': '{critical} critical alerts were raised in the period.',
  'dev.nearrepeat': 'Near-repeat pattern: {bands} of the space-time bands show more pairs than chance after adjustment.',
  'dir.rose': 'rose', 'dir.fell': 'fell',
  'trends.group': 'By category group, the change against the previous period is shown in the table; rates are per day so that periods of different length compare fairly.',
  'trends.series': 'Monthly incidents, the last {months} months.',
  'trends.mk': 'Over the last {months} months the Mann-Kendall trend test gives p = {p} (Sen slope {slope} incidents per month).',
  'maps.choropleth': 'Incidents per district in the period',
  'maps.cells': 'Hot spots (Gi*, FDR 5%) in the period and emerging hot spots over 12 months',
  'maps.hotcount': '{hot} hot and {cold} cold cells after the false discovery rate adjustment (H3 resolution 5, about 15 km across).',
  'nr.text': 'Knox test over the {months} months ending with this period ({events} exactly located incidents, {perms} permutations): {bands} significant bands.',
  'alerts.text': 'The rule set (example rules: suicide attacks, attacks on civilians, attacks in watch zones, near repeats, weekly spikes) was replayed over the period with {history} days of history: {alerts} alerts opened.',
  'outlook.text': 'Expected incidents in {next} for the {districts} districts of {province}: {mean} in total. Districts are ranked by the expected count; the interval says how sure the model is.',
  'outlook.district': 'This edition shows only {district}: the forecast for {next} is {mean} incidents (90% interval {lo} to {hi}).',
  'outlook.noforecast': 'No count forecast:',
  'risk.text': 'The risk index ranks the {areas} districts for {next} from {months} months of history: {severe} severe, {high} high, {elevated} elevated and {low} low.',
  'risk.top': '{district}: {band} risk, {expected} incidents expected; it ranks high mainly because of {drivers}.',
  'risk.mix': 'Of the {total} incidents behind the index, {public} were reported by the public, {discovered} were discovered by patrols and {unknown} do not say how they came to notice.',
  'risk.mix.discovered': 'Incidents discovered by patrols count in full (patrol time per district was not given): the index may partly follow where patrols went rather than where incidents happen.',
  'risk.map': 'Expected incidents per district in {next} (risk index)',
  'risk.vs.forecast': 'The risk index and the count forecast are separate models and can give different numbers for the same district: the forecast is chosen for the accuracy of its counts, the index for ranking districts and explaining the rank. Read the forecast for how many incidents to expect, the index for where and why.',
  'risk.none': 'No risk index:',
  'risk.district': 'The risk index ranks districts against each other and sets its bands across them; this edition reads only {district}, so the ranking and the bands are in the province edition.',
  'band.low': 'low', 'band.elevated': 'elevated', 'band.high': 'high', 'band.severe': 'severe',
  'factor.intensity.up': 'many recent incidents', 'factor.intensity.down': 'few recent incidents',
  'factor.harm.up': 'heavy recent casualties', 'factor.harm.down': 'light recent casualties',
  'factor.trend.up': 'a rising trend', 'factor.trend.down': 'a falling trend',
  'factor.nearRepeat.up': 'incidents in neighbouring districts', 'factor.nearRepeat.down': 'quiet neighbouring districts',
  'factor.terrain.up': '{name} (raises risk)', 'factor.terrain.down': '{name} (lowers risk)',
  'factor.none': 'its overall level (no single factor raises it)',
  and: ' and ',
  'deploy.text': '{units} units with a reach of {radius} km, placed where the risk index expects the most harm in {next}, cover {share} of the expected harm.',
  'deploy.compare': 'A plan proportional to past incidents would cover {prop} and an even spread across districts {unif}: the optimised plan covers {rprop} times as much as the first and {runif} times as much as the second.',
  'deploy.none': 'No deployment plan: the allocation service could not fit the risk index on the cells of this area.',
  'deploy.compare.zero': 'A plan proportional to past incidents would cover {prop} and an even spread across districts {unif}.',
  'deploy.schedule': 'So that watching cannot reveal a fixed pattern, units rotate on a randomised schedule that mixes the optimised plan with coverage in proportion to risk: the most covered site is manned on {top} of days (a site manned every day is fixed, not hidden), and on average the schedule covers {sched} of the expected harm.',
  'eval.none': 'No measure was registered for evaluation in this period: nothing to report. Evaluations (baseerat evaluate) appear here when recorded.',
  'dq.text': '{agencies} agencies reported incidents in the period; {silent} agencies that reported in the previous 90 days reported none. {corroborated} incidents were reported by two or more sources.',
  'dq.quarantine': '{quarantined} rows are in quarantine across all ingest runs (not per district).',
  'methods.text': 'Every number is computed by the analysis services named below from the store; nothing is entered by hand. Significance uses the 5% level; district changes use Benjamini-Hochberg adjusted p-values.',
};

const UR: Dict = {
  'title.weekly': 'ہفتہ وار سکیورٹی بریف',
  'title.monthly': 'ماہانہ خطرے کا جائزہ',
  'title.custom': 'تجزیاتی رپورٹ',
  'section.summary': 'خلاصہ',
  'section.developments': 'اہم پیش رفت',
  'section.trends': 'زمرہ اور ضلع کے لحاظ سے واقعات کا رجحان',
  'section.maps': 'نقشے: اضلاع، ہاٹ اسپاٹ اور ابھرتے ہاٹ اسپاٹ',
  'section.near-repeat': 'قریبی تکرار کے نتائج',
  'section.alerts': 'اس مدت کے الرٹ',
  'section.outlook': 'پیش گوئی اور خطرے کا جائزہ',
  'section.deployment': 'تجویز کردہ تعیناتی',
  'section.evaluation': 'اقدامات کا جائزہ',
  'section.data-quality': 'ڈیٹا کا معیار اور کوریج',
  'section.methods': 'طریقۂ کار',
  toc: 'فہرست',
  classification: 'درجہ بندی',
  generated: '{at} کو {by} نے تیار کیا',
  period: 'مدت',
  scope: 'علاقہ',
  page: 'صفحہ',
  of: 'از',
  province: 'صوبہ',
  'summary.counts': '{period} میں {scope} میں {count} واقعات درج ہوئے: {killed} افراد ہلاک اور {injured} زخمی ہوئے۔',
  'change.up.sig': '{other} کے مقابلے میں واقعات {before} سے بڑھ کر {count} ہو گئے (شرح کا تناسب {ratio})، جو 5% کی سطح پر اہم ہے (p = {p})۔',
  'change.up.ns': '{other} کے مقابلے میں واقعات {before} سے بڑھ کر {count} ہو گئے (شرح کا تناسب {ratio})، جو 5% کی سطح پر اہم نہیں (p = {p})۔',
  'change.down.sig': '{other} کے مقابلے میں واقعات {before} سے کم ہو کر {count} رہ گئے (شرح کا تناسب {ratio})، جو 5% کی سطح پر اہم ہے (p = {p})۔',
  'change.down.ns': '{other} کے مقابلے میں واقعات {before} سے کم ہو کر {count} رہ گئے (شرح کا تناسب {ratio})، جو 5% کی سطح پر اہم نہیں (p = {p})۔',
  'change.flat': '{other} کے مقابلے میں واقعات {count} پر برقرار رہے (p = {p})۔',
  'change.fromnone.sig': '{other} کے مقابلے میں واقعات {before} سے بڑھ کر {count} ہو گئے، جو 5% کی سطح پر اہم ہے (p = {p})۔',
  'change.fromnone.ns': '{other} کے مقابلے میں واقعات {before} سے بڑھ کر {count} ہو گئے، جو 5% کی سطح پر اہم نہیں (p = {p})۔',
  'change.none': 'اس مدت میں اور {other} میں کوئی واقعہ درج نہیں ہوا۔',
  'change.nodata': '{other} سے موازنہ ممکن نہیں: اسٹور میں اس علاقے کا {first} سے پہلے کوئی واقعہ درج نہیں۔',
  'trends.coverage': 'اسٹور میں اس علاقے کا {first} سے پہلے کوئی واقعہ درج نہیں: اس سے پہلے کے مہینے ریکارڈ نہ ہونے کی وجہ سے صفر دکھاتے ہیں، واقعات نہ ہونے کی وجہ سے نہیں۔',
  'summary.districts': '{n} اضلاع میں سے {sig} میں متعدد موازنوں کی تصحیح کے بعد نمایاں تبدیلی آئی۔',
  'summary.alerts': 'اس مدت پر الرٹ کے قواعد چلانے سے {alerts} الرٹ بنتے ہیں، جن میں سے {critical} انتہائی سنگین ہیں۔',
  'summary.forecast': 'ماڈل کے مطابق {next} میں {mean} واقعات متوقع ہیں (90% وقفہ {lo} تا {hi})۔',
  'summary.risk': 'خطرے کا اشاریہ {next} کے لیے {severe} اضلاع کو شدید درجے میں رکھتا ہے؛ {district} سب سے اوپر ہے۔',
  'dev.district.sig': '{district}: واقعات {before} سے {count} ہو گئے ({dir})، تصحیح کے بعد اہم (تصحیح شدہ p = {padj})۔',
  'dev.district.largest': 'تصحیح کے بعد کسی ضلع میں نمایاں تبدیلی نہیں آئی؛ سب سے زیادہ اضافہ {district} میں ہوا، {before} سے {count} (تصحیح شدہ p = {padj})۔',
  'dev.district.none': 'متعدد موازنوں کی تصحیح کے بعد کسی ضلع میں نمایاں تبدیلی نہیں آئی۔',
  'dev.emerging': 'ابھرتے ہاٹ اسپاٹ کے تجزیے میں اس مدت پر ختم ہونے والے {steps} مہینوں میں {new} نئے اور {intensifying} شدت اختیار کرتے ہاٹ اسپاٹ خانے ملے۔',
  'dev.hot': 'سب سے مضبوط ہاٹ اسپاٹ {district} میں ہے (خانے میں {count} واقعات، Gi* z = {z})۔',
  'dev.critical': 'اس مدت میں {critical} انتہائی سنگین الرٹ جاری ہوئے۔',
  'dev.nearrepeat': 'قریبی تکرار: تصحیح کے بعد {bands} مکانی و زمانی خانوں میں اتفاق سے زیادہ جوڑے ہیں۔',
  'dir.rose': 'اضافہ', 'dir.fell': 'کمی',
  'trends.group': 'زمرہ گروپ کے لحاظ سے پچھلی مدت کے مقابلے میں تبدیلی جدول میں دکھائی گئی ہے؛ شرحیں فی دن ہیں تاکہ مختلف لمبائی کی مدتوں کا منصفانہ موازنہ ہو۔',
  'trends.series': 'ماہانہ واقعات، آخری {months} مہینے۔',
  'trends.mk': 'آخری {months} مہینوں پر مان-کینڈل رجحان ٹیسٹ p = {p} دیتا ہے (سین ڈھلوان {slope} واقعات فی مہینہ)۔',
  'maps.choropleth': 'اس مدت میں فی ضلع واقعات',
  'maps.cells': 'اس مدت کے ہاٹ اسپاٹ (Gi*، FDR 5%) اور 12 مہینوں کے ابھرتے ہاٹ اسپاٹ',
  'maps.hotcount': 'غلط دریافت کی شرح کی تصحیح کے بعد {hot} گرم اور {cold} ٹھنڈے خانے (H3 ریزولوشن 5، تقریباً 15 کلومیٹر)۔',
  'nr.text': 'اس مدت پر ختم ہونے والے {months} مہینوں پر ناکس ٹیسٹ ({events} درست مقام والے واقعات، {perms} ترتیبات): {bands} اہم خانے۔',
  'alerts.text': 'قواعد کا مجموعہ {history} دن کی تاریخ کے ساتھ اس مدت پر دوبارہ چلایا گیا: {alerts} الرٹ کھلے۔',
  'outlook.text': '{next} میں {province} کے {districts} اضلاع کے لیے متوقع واقعات: کل {mean}۔ اضلاع متوقع تعداد کے لحاظ سے ترتیب دیے گئے ہیں؛ وقفہ ماڈل کی یقین دہانی بتاتا ہے۔',
  'outlook.district': 'یہ ایڈیشن صرف {district} دکھاتا ہے: {next} کے لیے پیش گوئی {mean} واقعات ہے (90% وقفہ {lo} تا {hi})۔',
  'outlook.noforecast': 'تعداد کی پیش گوئی دستیاب نہیں:',
  'risk.text': 'خطرے کا اشاریہ {months} مہینوں کی تاریخ سے {next} کے لیے {areas} اضلاع کی درجہ بندی کرتا ہے: {severe} شدید، {high} زیادہ، {elevated} بڑھا ہوا اور {low} کم۔',
  'risk.top': '{district}: خطرہ {band}، {expected} واقعات متوقع؛ اونچے درجے کی بڑی وجہ {drivers} ہے۔',
  'risk.mix': 'اشاریے کی بنیاد {total} واقعات میں سے {public} عوام نے رپورٹ کیے، {discovered} گشت نے دریافت کیے اور {unknown} کے بارے میں معلوم نہیں کہ کیسے سامنے آئے۔',
  'risk.mix.discovered': 'گشت کے دریافت کردہ واقعات پورے شمار ہوتے ہیں (ضلع وار گشت کا وقت نہیں دیا گیا): اشاریہ جزوی طور پر وہاں کی نشاندہی کر سکتا ہے جہاں گشت گئے، نہ کہ جہاں واقعات ہوتے ہیں۔',
  'risk.map': '{next} میں فی ضلع متوقع واقعات (خطرے کا اشاریہ)',
  'risk.vs.forecast': 'خطرے کا اشاریہ اور تعداد کی پیش گوئی الگ ماڈل ہیں اور ایک ہی ضلع کے لیے مختلف اعداد دے سکتے ہیں: پیش گوئی تعداد کی درستی کے لیے چنی گئی ہے، اشاریہ اضلاع کی درجہ بندی اور اس کی وجہ بتانے کے لیے۔ کتنے واقعات متوقع ہیں، یہ پیش گوئی سے پڑھیں؛ کہاں اور کیوں، یہ اشاریے سے۔',
  'risk.none': 'خطرے کا اشاریہ دستیاب نہیں:',
  'risk.district': 'خطرے کا اشاریہ اضلاع کا ایک دوسرے سے موازنہ کر کے درجہ بندی کرتا اور درجے طے کرتا ہے؛ یہ ایڈیشن صرف {district} پڑھتا ہے، اس لیے درجہ بندی اور درجے صوبائی ایڈیشن میں ہیں۔',
  'band.low': 'کم', 'band.elevated': 'بڑھا ہوا', 'band.high': 'زیادہ', 'band.severe': 'شدید',
  'factor.intensity.up': 'حالیہ واقعات کی کثرت', 'factor.intensity.down': 'حالیہ واقعات کی کمی',
  'factor.harm.up': 'حالیہ بھاری جانی نقصان', 'factor.harm.down': 'حالیہ کم جانی نقصان',
  'factor.trend.up': 'بڑھتا ہوا رجحان', 'factor.trend.down': 'گھٹتا ہوا رجحان',
  'factor.nearRepeat.up': 'پڑوسی اضلاع میں واقعات', 'factor.nearRepeat.down': 'پرسکون پڑوسی اضلاع',
  'factor.terrain.up': '{name} (خطرہ بڑھاتا ہے)', 'factor.terrain.down': '{name} (خطرہ گھٹاتا ہے)',
  'factor.none': 'مجموعی سطح (کوئی ایک عنصر نمایاں نہیں)',
  and: ' اور ',
  'deploy.text': '{radius} کلومیٹر کی پہنچ والی {units} یونٹس، جہاں خطرے کا اشاریہ {next} میں سب سے زیادہ نقصان کی توقع کرتا ہے، متوقع نقصان کا {share} احاطہ کرتی ہیں۔',
  'deploy.compare': 'ماضی کے واقعات کے تناسب سے منصوبہ {prop} اور اضلاع میں یکساں تقسیم {unif} احاطہ کرتی: بہتر منصوبہ پہلے سے {rprop} گنا اور دوسرے سے {runif} گنا احاطہ کرتا ہے۔',
  'deploy.none': 'تعیناتی کا منصوبہ دستیاب نہیں: اس علاقے کے خانوں پر خطرے کا اشاریہ نہیں بن سکا۔',
  'deploy.compare.zero': 'ماضی کے واقعات کے تناسب سے منصوبہ {prop} اور اضلاع میں یکساں تقسیم {unif} احاطہ کرتی۔',
  'deploy.schedule': 'تاکہ مشاہدے سے کوئی مقررہ ترتیب ظاہر نہ ہو، یونٹس بے ترتیب شیڈول پر گردش کرتی ہیں جو بہتر منصوبے کو خطرے کے تناسب سے کوریج کے ساتھ ملاتا ہے: سب سے زیادہ احاطہ شدہ مقام {top} دنوں میں سنبھالا جاتا ہے (ہر روز سنبھالا جانے والا مقام مقررہ ہے، پوشیدہ نہیں)، اور شیڈول اوسطاً متوقع نقصان کا {sched} احاطہ کرتا ہے۔',
  'eval.none': 'اس مدت میں جائزے کے لیے کوئی اقدام درج نہیں ہوا: رپورٹ کرنے کو کچھ نہیں۔',
  'dq.text': 'اس مدت میں {agencies} اداروں نے واقعات رپورٹ کیے؛ پچھلے 90 دنوں میں رپورٹ کرنے والے {silent} ادارے خاموش رہے۔ {corroborated} واقعات دو یا زیادہ ذرائع نے رپورٹ کیے۔',
  'dq.quarantine': 'تمام درآمدی رنز میں {quarantined} قطاریں قرنطینہ میں ہیں (ضلع وار نہیں)۔',
  'methods.text': 'ہر عدد نیچے درج تجزیاتی خدمات نے اسٹور سے شمار کیا ہے؛ کچھ بھی ہاتھ سے درج نہیں۔ اہمیت 5% کی سطح پر؛ ضلعی تبدیلیوں کے لیے بینجمنی-ہوچبرگ تصحیح شدہ p۔',
};

/** Column labels and table titles (English key -> Urdu); an unlisted label stays English. */
const UR_LABELS: Dict = {
  Measure: 'پیمانہ', 'This period': 'یہ مدت', 'Previous period': 'پچھلی مدت', 'Same period last year': 'پچھلے سال یہی مدت',
  'Rate ratio': 'شرح کا تناسب', 'p-value': 'p قدر', Significant: 'اہم', District: 'ضلع', 'Category group': 'زمرہ گروپ',
  Change: 'تبدیلی', 'Adjusted p': 'تصحیح شدہ p', Killed: 'ہلاک', Injured: 'زخمی', 'Per 100,000': 'فی لاکھ', Month: 'مہینہ',
  Incidents: 'واقعات', Cell: 'خانہ', 'Gi* z': 'Gi* z', Neighbourhood: 'پڑوس', Category: 'زمرہ', Cells: 'خانے',
  Distance: 'فاصلہ', Time: 'وقت', Observed: 'مشاہدہ', Expected: 'متوقع', Ratio: 'تناسب', Opened: 'کھلا', Rule: 'قاعدہ',
  Severity: 'سنگینی', Explanation: 'وضاحت', 'Last observed': 'آخری مشاہدہ', 'Expected count': 'متوقع تعداد',
  '50% interval': '50% وقفہ', '90% interval': '90% وقفہ', Site: 'مقام', Latitude: 'عرض بلد', Longitude: 'طول بلد',
  'Added coverage': 'اضافی کوریج', Agency: 'ادارہ', 'Median delay (days)': 'اوسط تاخیر (دن)', 'Late (> 7 days)': 'تاخیر (> 7 دن)',
  Quarantined: 'قرنطینہ', Item: 'مد', Value: 'قدر', Section: 'حصہ', Source: 'ماخذ', Caveats: 'انتباہات',
  Alerts: 'الرٹ', 'Key figures': 'اہم اعداد', 'By district': 'ضلع وار', 'By category group': 'زمرہ گروپ وار', 'Monthly incidents': 'ماہانہ واقعات', 'Hot spots': 'ہاٹ اسپاٹ', 'Emerging hot spots': 'ابھرتے ہاٹ اسپاٹ', 'Near repeat': 'قریبی تکرار', 'Alerts by rule': 'قاعدہ وار الرٹ', 'Recommended deployment': 'تجویز کردہ تعیناتی', Agencies: 'ادارے', Coverage: 'کوریج', 'Methods notes': 'طریقۂ کار',
  'Districts compared': 'موازنہ شدہ اضلاع', 'Districts with a significant change (adjusted)': 'نمایاں تبدیلی والے اضلاع (تصحیح شدہ)', 'Alerts opened': 'کھلے الرٹ', 'Critical alerts': 'انتہائی سنگین الرٹ', lower: 'کم', upper: 'زیادہ', 'Hot spot summary': 'ہاٹ اسپاٹ خلاصہ', 'Hot cells': 'گرم خانے', 'Cold cells': 'ٹھنڈے خانے', 'Months analysed': 'تجزیہ شدہ مہینے', 'Knox summary': 'ناکس خلاصہ', 'Significant bands': 'اہم خانے', 'Exactly located incidents': 'درست مقام والے واقعات', Permutations: 'ترتیبات', 'Units': 'یونٹس', 'Radius (km)': 'رداس (کلومیٹر)', 'Share of demand covered': 'طلب کا احاطہ', 'Deployment summary': 'تعیناتی کا خلاصہ', 'Agencies reporting': 'رپورٹ کرنے والے ادارے', 'Silent agencies': 'خاموش ادارے', 'Corroborated (2+ sources)': 'تصدیق شدہ (2+ ذرائع)', 'No district': 'ضلع نامعلوم', 'Dated to month or year only': 'صرف مہینہ یا سال', 'Quarantined rows (all runs)': 'قرنطینہ قطاریں (تمام رنز)',
  'History (days)': 'تاریخ (دن)',
  Districts: 'اضلاع', Forecast: 'پیش گوئی',
  'Risk index': 'خطرے کا اشاریہ', 'Risk ranking': 'خطرے کی درجہ بندی', 'Districts ranked': 'درجہ بند اضلاع', 'Months of history': 'تاریخ کے مہینے', Band: 'درجہ',
  'Incidents behind the index': 'اشاریے کی بنیاد واقعات', 'Reported by the public': 'عوام کے رپورٹ کردہ', 'Discovered by patrols': 'گشت کے دریافت کردہ', 'Reporting mode unknown': 'ذریعہ نامعلوم',
  Rank: 'درجہ نمبر', 'Expected incidents': 'متوقع واقعات', 'Main factors (relative risk)': 'اہم عوامل (نسبتی خطرہ)', 'History: public / discovered / unknown': 'تاریخ: عوام / گشت / نامعلوم', 'Recent incidents': 'حالیہ واقعات', 'Districts in the severe risk band': 'شدید خطرے والے اضلاع', 'Highest risk': 'سب سے زیادہ خطرہ',
  'Expected harm, all areas': 'متوقع نقصان، تمام علاقے', 'Optimised plan: share of expected harm covered': 'بہتر منصوبہ: متوقع نقصان کا احاطہ', 'Proportional plan: share covered': 'تناسبی منصوبہ: احاطہ',
  'Uniform plan: share covered': 'یکساں منصوبہ: احاطہ', 'Optimised / proportional': 'بہتر / تناسبی', 'Optimised / uniform': 'بہتر / یکساں', 'Exact optimum: share covered': 'درست بہترین: احاطہ',
  'Randomised schedule: share covered on average': 'بے ترتیب شیڈول: اوسط احاطہ', 'Unpredictability (0 fixed, 1 follows risk)': 'غیر متوقع پن (0 مقررہ، 1 خطرے کے مطابق)',
  Order: 'ترتیب', 'Coverage probability': 'احاطے کا امکان', 'Randomised schedule': 'بے ترتیب شیڈول', 'Naive plans': 'سادہ منصوبے', Plan: 'منصوبہ', 'Share covered': 'احاطہ', 'Units by district': 'ضلع وار یونٹس',
  proportional: 'تناسبی', uniform: 'یکساں',
  yes: 'ہاں', no: 'نہیں', 'Incidents reported': 'رپورٹ شدہ واقعات', Status: 'حالت', total: 'کل',
};

export function t(lang: ReportLanguage, key: string): string {
  const v = (lang === 'ur' ? UR : EN)[key] ?? EN[key];
  if (v === undefined) throw new Error(`report string ${key} is missing`);
  return v;
}

export function label(lang: ReportLanguage, english: string): string {
  return lang === 'ur' ? UR_LABELS[english] ?? english : english;
}

export function sectionTitle(lang: ReportLanguage, id: SectionId): string {
  return t(lang, `section.${id}`);
}

export const UR_MONTHS = ['جنوری', 'فروری', 'مارچ', 'اپریل', 'مئی', 'جون', 'جولائی', 'اگست', 'ستمبر', 'اکتوبر', 'نومبر', 'دسمبر'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2024-06` -> "June 2024" / "جون 2024"; `2024-W23` -> "week 2024-W23" / "ہفتہ 2024-W23". */
export function periodName(lang: ReportLanguage, label: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m !== null) return `${(lang === 'ur' ? UR_MONTHS : EN_MONTHS)[Number(m[2]) - 1]} ${m[1]}`;
  // In the Urdu edition a Latin-digit label is isolated left to right (U+2066 ... U+2069), or the
  // bidi algorithm shows 2024-W50 as W50-2024.
  const iso = (x: string) => (lang === 'ur' ? `\u2066${x}\u2069` : x);
  if (/^\d{4}-W\d{2}$/.test(label)) return lang === 'ur' ? `ہفتہ ${iso(label)}` : `week ${label}`;
  return iso(label);
}
