/**
 * Alias tables for district and province names: the data an analyst extends by pull request when a
 * feed spells a district in a way Baseerat does not yet know. Canonical names are the `name`
 * property of the 2023-census district boundaries (data/reference/pakistan-districts-2023).
 *
 * How to add an alias: append `{ alias: 'as the source writes it', district: 'Canonical Name' }`
 * (add `province` when the alias could mean districts in two provinces). Case, diacritics,
 * punctuation, spaces and words such as "District", "Agency" or "Tehsil" do not matter: see
 * normalise-name.ts. A test checks that every `district` here is a real 2023 district.
 *
 * Post-census districts (Hub, Usta Muhammad, ...) are not listed here: they come from
 * post-census-district-folds.json and fold into their census parent.
 */

/** Spelling variants of single words, applied to every word of every name before matching. */
export const TOKEN_VARIANTS: Readonly<Record<string, string>> = {
  qila: 'killa',
  qilla: 'killa',
  kila: 'killa',
  killah: 'killa',
  quila: 'killa',
  qillah: 'killa',
  abdulla: 'abdullah',
  saifulla: 'saifullah',
  baluchistan: 'balochistan',
  balochistaan: 'balochistan',
  pakhtunkwa: 'pakhtunkhwa',
  pakhtoonkhwa: 'pakhtunkhwa',
  pukhtunkhwa: 'pakhtunkhwa',
  sind: 'sindh',
};

export interface DistrictAlias {
  alias: string;
  district: string;
  /** Only needed when the alias alone could name districts in two provinces. */
  province?: string;
  note?: string;
}

export const DISTRICT_ALIASES: readonly DistrictAlias[] = [
  // Balochistan
  { alias: 'Bolan', district: 'Kachhi (Bolan)', note: 'Kachhi district was named Bolan until 2008; UCDP still writes Bolan' },
  { alias: 'Kachhi', district: 'Kachhi (Bolan)' },
  { alias: 'Kachi', district: 'Kachhi (Bolan)' },
  { alias: 'Turbat', district: 'Kech', note: 'Turbat is the district headquarters; the district was once called Turbat' },
  { alias: 'Kech Turbat', district: 'Kech' },
  { alias: 'Dera Murad Jamali', district: 'Nasirabad', note: 'headquarters of Nasirabad' },
  { alias: 'Tamboo', district: 'Nasirabad' },
  { alias: 'Jafarabad', district: 'Jaffarabad' },
  { alias: 'Jafferabad', district: 'Jaffarabad' },
  { alias: 'Dera Allah Yar', district: 'Jaffarabad', note: 'headquarters of Jaffarabad' },
  { alias: 'Khozdar', district: 'Khuzdar' },
  { alias: 'Khuzdaar', district: 'Khuzdar' },
  { alias: 'Khusdar', district: 'Khuzdar' },
  { alias: 'Lasbella', district: 'Lasbela' },
  { alias: 'Las Bela', district: 'Lasbela' },
  { alias: 'Uthal', district: 'Lasbela', note: 'headquarters of Lasbela' },
  { alias: 'Musakhail', district: 'Musa Khel' },
  { alias: 'Musa Khail', district: 'Musa Khel' },
  { alias: 'Chagi', district: 'Chagai' },
  { alias: 'Dalbandin', district: 'Chagai', note: 'headquarters of Chagai' },
  { alias: 'Noshki', district: 'Nushki' },
  { alias: 'Punjgur', district: 'Panjgur' },
  { alias: 'Sherani', district: 'Sherani' },
  { alias: 'Shirani', district: 'Sherani' },
  { alias: 'Jhal Magsi', district: 'Jhal Magsi' },
  { alias: 'Jhalmagsi', district: 'Jhal Magsi' },
  { alias: 'Gandava', district: 'Jhal Magsi', note: 'headquarters of Jhal Magsi' },
  { alias: 'Suhbatpur', district: 'Sohbatpur' },
  { alias: 'Sohbat Pur', district: 'Sohbatpur' },
  { alias: 'Washuk', district: 'Washuk' },
  { alias: 'Kohlu', district: 'Kohlu' },
  { alias: 'Dera Bugti Agency', district: 'Dera Bugti', note: 'a tribal agency until 1983' },
  { alias: 'Bugti', district: 'Dera Bugti' },
  { alias: 'Marri', district: 'Kohlu', note: 'Marri Agency, the former name of Kohlu' },
  { alias: 'Marri Agency', district: 'Kohlu' },
  { alias: 'Gwadur', district: 'Gwadar' },
  { alias: 'Ziarat', district: 'Ziarat' },
  { alias: 'Harnai', district: 'Harnai' },
  { alias: 'Hernai', district: 'Harnai' },
  { alias: 'Duki', district: 'Duki' },
  { alias: 'Surab', district: 'Surab' },
  { alias: 'Sorab', district: 'Surab' },
  // Khyber Pakhtunkhwa (including the former FATA agencies and frontier regions)
  { alias: 'Abbottabad', district: 'Abbotabad' },
  { alias: 'D I Khan', district: 'Dera Ismail Khan' },
  { alias: 'DI Khan', district: 'Dera Ismail Khan' },
  { alias: 'D.I. Khan', district: 'Dera Ismail Khan' },
  { alias: 'Batgram', district: 'Batagram' },
  { alias: 'Lakki', district: 'Lakki Marwat' },
  { alias: 'Kolai Palas', district: 'Kolai Pallas Kohistan' },
  { alias: 'Kolai Pallas', district: 'Kolai Pallas Kohistan' },
  { alias: 'Tor Ghar', district: 'Torghar' },
  { alias: 'Khyber Agency', district: 'Khyber' },
  { alias: 'Bajaur Agency', district: 'Bajaur' },
  { alias: 'Bajour', district: 'Bajaur' },
  { alias: 'Mohmand Agency', district: 'Mohmand' },
  { alias: 'Momand', district: 'Mohmand' },
  { alias: 'Kurram Agency', district: 'Kurram' },
  { alias: 'Orakzai Agency', district: 'Orakzai' },
  { alias: 'North Waziristan Agency', district: 'North Waziristan' },
  { alias: 'South Waziristan Agency', district: 'South Waziristan' },
  { alias: 'FR Peshawar', district: 'Peshawar', note: 'Hassan Khel, merged into Peshawar district in 2018' },
  { alias: 'FR Kohat', district: 'Kohat', note: 'Darra Adam Khel, merged into Kohat district in 2018' },
  { alias: 'FR Bannu', district: 'Bannu' },
  { alias: 'FR Bannu - Mir Ali', district: 'Bannu', note: 'UCDP spelling; events so labelled may lie in North Waziristan' },
  { alias: 'FR Tank', district: 'Tank' },
  { alias: 'FR Tank - Jandola', district: 'Tank' },
  { alias: 'FR Lakki Marwat', district: 'Lakki Marwat' },
  { alias: 'FR Dera Ismail Khan', district: 'Dera Ismail Khan' },
  { alias: 'FR D I Khan', district: 'Dera Ismail Khan' },
  // Punjab
  { alias: 'D G Khan', district: 'Dera Ghazi Khan' },
  { alias: 'DG Khan', district: 'Dera Ghazi Khan' },
  { alias: 'RY Khan', district: 'Rahim Yar Khan' },
  { alias: 'Nankana', district: 'Nankana Sahib' },
  { alias: 'Toba Tek Singh', district: 'Toba Tek Singh' },
  { alias: 'TT Singh', district: 'Toba Tek Singh' },
  { alias: 'Mandi Bahauddin', district: 'Mandi Bahauddin' },
  { alias: 'Mandi Bahaudin', district: 'Mandi Bahauddin' },
  { alias: 'Layyah', district: 'Layyah' },
  { alias: 'Leiah', district: 'Layyah' },
  // Sindh
  { alias: 'Nawabshah', district: 'Shaheed Benazirabad', note: 'renamed 2008' },
  { alias: 'Kambar Shahdadkot', district: 'Kambar Shahdadkot' },
  { alias: 'Qambar Shahdadkot', district: 'Kambar Shahdadkot' },
  { alias: 'Kamber Shahdadkot', district: 'Kambar Shahdadkot' },
  { alias: 'Kemari', district: 'Keamari' },
  { alias: 'Kiamari', district: 'Keamari' },
  { alias: 'Mirpurkhas', district: 'Mirpur Khas' },
  { alias: 'Naushahro Feroze', district: 'Naushahro Feroze' },
  { alias: 'Naushero Feroze', district: 'Naushahro Feroze' },
  { alias: 'Thar', district: 'Tharparkar' },
  { alias: 'Tando Muhammad Khan', district: 'Tando Mohammad Khan' },
  // Azad Jammu & Kashmir and Gilgit-Baltistan
  { alias: 'Neelam', district: 'Neelum' },
  { alias: 'Hattian Bala', district: 'Jhelum Valley', note: 'Hattian Bala is the headquarters; the district was renamed Jhelum Valley' },
  { alias: 'Hattian', district: 'Jhelum Valley' },
  { alias: 'Sudhnuti', district: 'Sudhnoti' },
  { alias: 'Sudhanoti', district: 'Sudhnoti' },
  { alias: 'Diamer', district: 'Diamir' },
  { alias: 'Chilas', district: 'Diamir' },
  { alias: 'Baltistan', district: 'Skardu' },
  { alias: 'Islamabad', district: 'Islamabad' },
];

/**
 * Districts as they were before later splits: an older name and the 2023 districts its territory
 * now lies in. A source that writes the older name (UCDP's adm_2 does, for events before the
 * split) cannot be resolved to one 2023 district; `resolveDistrictCandidates` returns them all.
 * Where the older name is still a 2023 district (Loralai), `resolveDistrict` returns that district
 * and this table only widens what counts as agreement with the older name.
 */
export interface LegacyDistrict {
  name: string;
  province: string;
  successors: readonly string[];
  note: string;
}

export const LEGACY_DISTRICTS: readonly LegacyDistrict[] = [
  { name: 'Karachi', province: 'Sindh', successors: ['Karachi Central', 'Karachi East', 'Karachi South', 'Karachi West', 'Korangi', 'Malir', 'Keamari'], note: 'one district until 1996 and again 2001-2011 (city district); seven in 2023' },
  { name: 'Chitral', province: 'Khyber Pakhtunkhwa', successors: ['Upper Chitral', 'Lower Chitral'], note: 'split 2018' },
  { name: 'Kohistan', province: 'Khyber Pakhtunkhwa', successors: ['Upper Kohistan', 'Lower Kohistan', 'Kolai Pallas Kohistan'], note: 'split 2014-2017' },
  { name: 'Killa Abdullah', province: 'Balochistan', successors: ['Killa Abdullah', 'Chaman'], note: 'Chaman district carved out 2021' },
  { name: 'Loralai', province: 'Balochistan', successors: ['Loralai', 'Duki'], note: 'Duki district carved out 2016' },
  { name: 'Kalat', province: 'Balochistan', successors: ['Kalat', 'Surab'], note: 'Surab district carved out 2017' },
  { name: 'Jaffarabad', province: 'Balochistan', successors: ['Jaffarabad', 'Sohbatpur'], note: 'Sohbatpur district carved out 2013' },
  { name: 'Sibi', province: 'Balochistan', successors: ['Sibi', 'Harnai'], note: 'Harnai district carved out 2007' },
  { name: 'Zhob', province: 'Balochistan', successors: ['Zhob', 'Sherani'], note: 'Sherani district carved out 2006' },
  { name: 'Kharan', province: 'Balochistan', successors: ['Kharan', 'Washuk'], note: 'Washuk district carved out 2005' },
  { name: 'Skardu', province: 'Gilgit-Baltistan', successors: ['Skardu', 'Shigar', 'Kharmaung'], note: 'Shigar and Kharmaung carved out 2015-2019' },
  { name: 'Muzaffarabad', province: 'Azad Jammu & Kashmir', successors: ['Muzaffarabad', 'Neelum', 'Jhelum Valley'], note: 'Neelum carved out 2005, Hattian Bala (Jhelum Valley) 2009' },
  { name: 'Bagh', province: 'Azad Jammu & Kashmir', successors: ['Bagh', 'Haveli'], note: 'Haveli carved out 2009' },
  { name: 'Mirpur', province: 'Azad Jammu & Kashmir', successors: ['Mirpur', 'Bhimber'], note: 'Bhimber carved out 1996' },
  { name: 'Gilgit', province: 'Gilgit-Baltistan', successors: ['Gilgit', 'Hunza', 'Nagar'], note: 'Hunza and Nagar carved out 2015' },
  { name: 'Mansehra', province: 'Khyber Pakhtunkhwa', successors: ['Mansehra', 'Torghar'], note: 'Torghar carved out 2011' },
  { name: 'Sheikhupura', province: 'Punjab', successors: ['Sheikhupura', 'Nankana Sahib'], note: 'Nankana Sahib carved out 2005' },
  { name: 'Jhang', province: 'Punjab', successors: ['Jhang', 'Chiniot'], note: 'Chiniot carved out 2009' },
  { name: 'Thatta', province: 'Sindh', successors: ['Thatta', 'Sujawal'], note: 'Sujawal carved out 2013' },
  { name: 'Larkana', province: 'Sindh', successors: ['Larkana', 'Kambar Shahdadkot'], note: 'Kambar Shahdadkot carved out 2004-2005' },
  { name: 'Jacobabad', province: 'Sindh', successors: ['Jacobabad', 'Kashmore'], note: 'Kashmore carved out 2004' },
  { name: 'Hyderabad', province: 'Sindh', successors: ['Hyderabad', 'Matiari', 'Tando Allah Yar', 'Tando Mohammad Khan'], note: 'split 2004-2005' },
  { name: 'Dadu', province: 'Sindh', successors: ['Dadu', 'Jamshoro'], note: 'Jamshoro carved out 2004' },
];

export interface ProvinceAlias {
  alias: string;
  province: string;
}

/** Canonical province names are the `province` property of the 2023 district boundaries. */
export const PROVINCE_ALIASES: readonly ProvinceAlias[] = [
  { alias: 'Balochistan', province: 'Balochistan' },
  { alias: 'Balochistan province', province: 'Balochistan' },
  { alias: 'Sindh', province: 'Sindh' },
  { alias: 'Punjab', province: 'Punjab' },
  { alias: 'Khyber Pakhtunkhwa', province: 'Khyber Pakhtunkhwa' },
  { alias: 'KP', province: 'Khyber Pakhtunkhwa' },
  { alias: 'KPK', province: 'Khyber Pakhtunkhwa' },
  { alias: 'K.P.K.', province: 'Khyber Pakhtunkhwa' },
  { alias: 'NWFP', province: 'Khyber Pakhtunkhwa' },
  { alias: 'N.W.F.P.', province: 'Khyber Pakhtunkhwa' },
  { alias: 'North-West Frontier Province', province: 'Khyber Pakhtunkhwa' },
  { alias: 'North West Frontier', province: 'Khyber Pakhtunkhwa' },
  { alias: 'Sarhad', province: 'Khyber Pakhtunkhwa' },
  { alias: 'FATA', province: 'Khyber Pakhtunkhwa' },
  { alias: 'Federally Administered Tribal Areas', province: 'Khyber Pakhtunkhwa' },
  { alias: 'Tribal Areas', province: 'Khyber Pakhtunkhwa' },
  { alias: 'PATA', province: 'Khyber Pakhtunkhwa' },
  { alias: 'Islamabad Capital Territory', province: 'Islamabad Capital Territory' },
  { alias: 'Islamabad', province: 'Islamabad Capital Territory' },
  { alias: 'ICT', province: 'Islamabad Capital Territory' },
  { alias: 'Federal Capital', province: 'Islamabad Capital Territory' },
  { alias: 'Azad Jammu & Kashmir', province: 'Azad Jammu & Kashmir' },
  { alias: 'Azad Jammu and Kashmir', province: 'Azad Jammu & Kashmir' },
  { alias: 'Azad Kashmir', province: 'Azad Jammu & Kashmir' },
  { alias: 'AJK', province: 'Azad Jammu & Kashmir' },
  { alias: 'AJ&K', province: 'Azad Jammu & Kashmir' },
  { alias: 'Gilgit-Baltistan', province: 'Gilgit-Baltistan' },
  { alias: 'Gilgit Baltistan', province: 'Gilgit-Baltistan' },
  { alias: 'GB', province: 'Gilgit-Baltistan' },
  { alias: 'Northern Areas', province: 'Gilgit-Baltistan' },
  { alias: 'Federally Administered Northern Areas', province: 'Gilgit-Baltistan' },
];
