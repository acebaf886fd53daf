/**
 * Where an Indonesian kode pos or a Malaysian poskod is, to the province or state: a hand-made
 * table, because no open, complete postal-code dataset for either country is bundled.
 *
 * Both countries allocate 5-digit codes by region, so the leading digits name the province or
 * state. Each row covers a range of leading digits (two or three of them) and gives the region's
 * main city as its representative point. Rows with the same number of digits never overlap; a
 * three-digit row inside a two-digit one wins, so a coarse row can carry a few precise
 * exceptions. Codes no row covers are unknown.
 *
 * Precision is "region": a point can be a few hundred kilometres from the address in the large
 * provinces (Papua, Kalimantan, Sumatra, Sarawak), which is enough to choose between warehouses
 * on different islands or at opposite ends of Java or the peninsula, and no more.
 */

/** A range of postal codes and the region it belongs to. */
export interface PostalRegion {
  /** First and last leading digits covered, inclusive, as written in the code ("10" – "14"). */
  readonly from: string;
  readonly to: string;
  /** The province (Indonesia) or state / federal territory (Malaysia). */
  readonly state: string;
  /** The city whose coordinates stand for the range. */
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
}

function region(from: string, to: string, state: string, city: string, latitude: number, longitude: number): PostalRegion {
  return { from, to, state, city, latitude, longitude };
}

/**
 * Indonesia, after Pos Indonesia's allocation (first digit: 1 Jakarta–Banten–western West Java,
 * 2 northern Sumatra, 3 southern Sumatra, 4 West Java–Banten, 5 Central Java–Yogyakarta,
 * 6 East Java, 7 Kalimantan, 8 Bali–Nusa Tenggara, 9 Sulawesi–Maluku–Papua).
 *
 * Coarse, knowingly:
 * - 29xxx is Riau Islands (Batam, Tanjung Pinang, Karimun, Natuna, Lingga) except 292–293 and 295
 *   (Indragiri Hilir, Indragiri Hulu, Kuantan Singingi), which are Riau.
 * - 77xxx is North Kalimantan except 773xx (Berau), which is East Kalimantan.
 * - 913–915 (Polewali Mandar, Majene, Mamuju) is West Sulawesi; 977–978 (Ternate, Halmahera) is
 *   North Maluku.
 * - Papua uses the pre-2022 provinces: 98xxx is West Papua (it also holds Biak, Yapen and Nabire,
 *   now Papua and Central Papua), 99xxx is Papua (it also holds today's South and Highland
 *   Papua). The representative points (Manokwari, Jayapura) can be 500 km off there.
 * - West Java, Central Java and East Java are split by the second digit into the cities that
 *   anchor each range (Bandung, Sukabumi, Garut, Cirebon, Tasikmalaya; Semarang, Surakarta;
 *   Surabaya, Malang, Jember); the rest of each province points at its capital.
 */
export const INDONESIA_POSTAL_REGIONS: readonly PostalRegion[] = [
  region('10', '14', 'DKI Jakarta', 'Jakarta', -6.2088, 106.8456),
  region('15', '15', 'Banten', 'Tangerang', -6.1783, 106.6319),
  region('16', '16', 'West Java', 'Bogor', -6.5971, 106.806),
  region('17', '17', 'West Java', 'Bekasi', -6.2383, 106.9756),
  region('20', '22', 'North Sumatra', 'Medan', 3.5952, 98.6722),
  region('23', '24', 'Aceh', 'Banda Aceh', 5.5483, 95.3238),
  region('25', '27', 'West Sumatra', 'Padang', -0.9471, 100.4172),
  region('28', '28', 'Riau', 'Pekanbaru', 0.5071, 101.4478),
  region('29', '29', 'Riau Islands', 'Batam', 1.1301, 104.0529),
  region('292', '293', 'Riau', 'Rengat', -0.3779, 102.5451),
  region('295', '295', 'Riau', 'Teluk Kuantan', -0.5313, 101.5647),
  region('30', '32', 'South Sumatra', 'Palembang', -2.9761, 104.7754),
  region('33', '33', 'Bangka Belitung Islands', 'Pangkal Pinang', -2.1316, 106.1169),
  region('34', '35', 'Lampung', 'Bandar Lampung', -5.3971, 105.2668),
  region('36', '37', 'Jambi', 'Jambi', -1.6101, 103.6131),
  region('38', '39', 'Bengkulu', 'Bengkulu', -3.7928, 102.2608),
  region('40', '41', 'West Java', 'Bandung', -6.9175, 107.6191),
  region('42', '42', 'Banten', 'Serang', -6.12, 106.1503),
  region('43', '43', 'West Java', 'Sukabumi', -6.9277, 106.93),
  region('44', '44', 'West Java', 'Garut', -7.2279, 107.9087),
  region('45', '45', 'West Java', 'Cirebon', -6.732, 108.5523),
  region('46', '46', 'West Java', 'Tasikmalaya', -7.3274, 108.2207),
  region('50', '54', 'Central Java', 'Semarang', -6.9667, 110.4167),
  region('55', '55', 'DI Yogyakarta', 'Yogyakarta', -7.7956, 110.3695),
  region('56', '56', 'Central Java', 'Semarang', -6.9667, 110.4167),
  region('57', '57', 'Central Java', 'Surakarta', -7.5755, 110.8243),
  region('58', '59', 'Central Java', 'Semarang', -6.9667, 110.4167),
  region('60', '64', 'East Java', 'Surabaya', -7.2575, 112.7521),
  region('65', '65', 'East Java', 'Malang', -7.9666, 112.6326),
  region('66', '67', 'East Java', 'Surabaya', -7.2575, 112.7521),
  region('68', '68', 'East Java', 'Jember', -8.1724, 113.7005),
  region('69', '69', 'East Java', 'Surabaya', -7.2575, 112.7521),
  region('70', '72', 'South Kalimantan', 'Banjarmasin', -3.3186, 114.5944),
  region('73', '74', 'Central Kalimantan', 'Palangka Raya', -2.2161, 113.9135),
  region('75', '75', 'East Kalimantan', 'Samarinda', -0.5022, 117.1536),
  region('76', '76', 'East Kalimantan', 'Balikpapan', -1.2379, 116.8529),
  region('77', '77', 'North Kalimantan', 'Tarakan', 3.3, 117.6333),
  region('773', '773', 'East Kalimantan', 'Tanjung Redeb', 2.15, 117.4833),
  region('78', '79', 'West Kalimantan', 'Pontianak', -0.0263, 109.3425),
  region('80', '82', 'Bali', 'Denpasar', -8.6705, 115.2126),
  region('83', '84', 'West Nusa Tenggara', 'Mataram', -8.5833, 116.1167),
  region('85', '87', 'East Nusa Tenggara', 'Kupang', -10.1772, 123.607),
  region('90', '92', 'South Sulawesi', 'Makassar', -5.1477, 119.4327),
  region('913', '915', 'West Sulawesi', 'Mamuju', -2.6749, 118.8885),
  region('93', '93', 'Southeast Sulawesi', 'Kendari', -3.9985, 122.5129),
  region('94', '94', 'Central Sulawesi', 'Palu', -0.8917, 119.8707),
  region('95', '95', 'North Sulawesi', 'Manado', 1.4748, 124.8421),
  region('96', '96', 'Gorontalo', 'Gorontalo', 0.5435, 123.0568),
  region('97', '97', 'Maluku', 'Ambon', -3.6954, 128.1814),
  region('977', '978', 'North Maluku', 'Ternate', 0.7906, 127.3842),
  region('98', '98', 'West Papua', 'Manokwari', -0.8615, 134.062),
  region('99', '99', 'Papua', 'Jayapura', -2.5337, 140.7181),
];

/**
 * Malaysia, after Pos Malaysia's allocation by state. The state ranges are exact; the points are
 * the state's main city, with the long states (Kedah, Penang, Pahang, Sabah, Sarawak) split where
 * the second digit follows a district.
 *
 * Pahang also holds three hill resorts whose codes sit among other states' (39xxx Cameron
 * Highlands, 49xxx Fraser's Hill, 69xxx Genting Highlands), and Selangor holds 63xxx–64xxx
 * (Cyberjaya, Sepang) and 68xxx (Ampang, Batu Caves) beyond Kuala Lumpur's 50xxx–60xxx.
 */
export const MALAYSIA_POSTAL_REGIONS: readonly PostalRegion[] = [
  region('01', '02', 'Perlis', 'Kangar', 6.4414, 100.1986),
  region('05', '07', 'Kedah', 'Alor Setar', 6.1248, 100.3678),
  region('08', '09', 'Kedah', 'Sungai Petani', 5.647, 100.4877),
  region('10', '11', 'Penang', 'George Town', 5.4141, 100.3288),
  region('12', '14', 'Penang', 'Bukit Mertajam', 5.3631, 100.4667),
  region('15', '18', 'Kelantan', 'Kota Bharu', 6.1254, 102.2381),
  region('20', '24', 'Terengganu', 'Kuala Terengganu', 5.3302, 103.1408),
  region('25', '26', 'Pahang', 'Kuantan', 3.8077, 103.326),
  region('27', '28', 'Pahang', 'Temerloh', 3.45, 102.4167),
  region('30', '36', 'Perak', 'Ipoh', 4.5975, 101.0901),
  region('39', '39', 'Pahang', 'Tanah Rata', 4.4717, 101.3766),
  region('40', '48', 'Selangor', 'Shah Alam', 3.0733, 101.5185),
  region('49', '49', 'Pahang', "Fraser's Hill", 3.7117, 101.7356),
  region('50', '60', 'Kuala Lumpur', 'Kuala Lumpur', 3.139, 101.6869),
  region('62', '62', 'Putrajaya', 'Putrajaya', 2.9264, 101.6964),
  region('63', '64', 'Selangor', 'Cyberjaya', 2.9213, 101.6559),
  region('68', '68', 'Selangor', 'Ampang', 3.1496, 101.762),
  region('69', '69', 'Pahang', 'Genting Highlands', 3.4236, 101.7932),
  region('70', '73', 'Negeri Sembilan', 'Seremban', 2.7259, 101.9378),
  region('75', '78', 'Melaka', 'Melaka', 2.1896, 102.2501),
  region('79', '86', 'Johor', 'Johor Bahru', 1.4927, 103.7414),
  region('87', '87', 'Labuan', 'Victoria', 5.2831, 115.2308),
  region('88', '89', 'Sabah', 'Kota Kinabalu', 5.9804, 116.0735),
  region('90', '90', 'Sabah', 'Sandakan', 5.8394, 118.1172),
  region('91', '91', 'Sabah', 'Tawau', 4.2448, 117.8912),
  region('93', '95', 'Sarawak', 'Kuching', 1.5533, 110.3592),
  region('96', '96', 'Sarawak', 'Sibu', 2.2873, 111.8305),
  region('97', '97', 'Sarawak', 'Bintulu', 3.1664, 113.036),
  region('98', '98', 'Sarawak', 'Miri', 4.3995, 113.9914),
];

const TABLES = { ID: INDONESIA_POSTAL_REGIONS, MY: MALAYSIA_POSTAL_REGIONS } as const;

const FIVE_DIGITS = /^\d{5}$/;

/** The region a 5-digit Indonesian or Malaysian code falls in, or undefined if no row covers it. */
export function findPostalRegion(country: 'ID' | 'MY', postalCode: string): PostalRegion | undefined {
  if (!FIVE_DIGITS.test(postalCode)) return undefined;
  let best: PostalRegion | undefined;
  for (const row of TABLES[country]) {
    // Equal-length digit strings compare like the numbers they spell.
    const leading = postalCode.slice(0, row.from.length);
    if (leading < row.from || leading > row.to) continue;
    if (best === undefined || row.from.length > best.from.length) best = row;
  }
  return best;
}
