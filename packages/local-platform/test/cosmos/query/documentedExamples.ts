// The examples of the Cosmos DB for NoSQL query reference (learn.microsoft.com), as published with their items and
// results in https://github.com/Azure-Samples/cosmos-db-nosql-query-samples (scripts/<name>/query.sql, seed.json,
// result.json; MIT License, Copyright (c) Microsoft Corporation). `validated` examples are those that repository's CI
// runs against a real container; the others (`*.novalidate.*` there) are documentation only. Left out: spatial,
// vector and DocumentId examples, and those whose result depends on the clock or randomness. order-by-multiple is
// documented with the items of order-by, which it reuses here.

export interface DocumentedExample {
  readonly name: string;
  readonly validated: boolean;
  readonly query: string;
  readonly seed?: readonly Record<string, unknown>[];
  readonly result: readonly unknown[];
}

export const DOCUMENTED_EXAMPLES: readonly DocumentedExample[] = [
  {
    name: 'absolute-value',
    validated: true,
    query: 'SELECT VALUE { \n    absoluteNegativeOne: ABS(-1),\n    absoluteZero: ABS(0),\n    absoluteOne: ABS(1) \n}',
    result: [{ absoluteNegativeOne: 1, absoluteZero: 0, absoluteOne: 1 }],
  },
  {
    name: 'arccosine',
    validated: true,
    query: 'SELECT VALUE { \n    arccosine: ACOS(-1) \n}',
    result: [{ arccosine: 3.141592653589793 }],
  },
  {
    name: 'array-concat',
    validated: true,
    query: 'SELECT\n    ARRAY_CONCAT(["apples", "strawberries"], ["bananas"]) AS arrayConcat',
    result: [{ arrayConcat: ['apples', 'strawberries', 'bananas'] }],
  },
  {
    name: 'array-contains',
    validated: true,
    query:
      'SELECT VALUE {\n    containsItem: ARRAY_CONTAINS(["coats", "jackets", "sweatshirts"], "coats"),\n    missingItem: ARRAY_CONTAINS(["coats", "jackets", "sweatshirts"], "hoodies"),\n    containsFullMatchObject: ARRAY_CONTAINS([{ category: "shirts", color: "blue" }], { category: "shirts", color: "blue" }),\n    missingFullMatchObject: ARRAY_CONTAINS([{ category: "shirts", color: "blue" }], { category: "shirts" }),\n    containsPartialMatchObject: ARRAY_CONTAINS([{ category: "shirts", color: "blue" }], { category: "shirts" }, true),\n    missingPartialMatchObject: ARRAY_CONTAINS([{ category: "shirts", color: "blue" }], { category: "shorts", color: "blue" }, true)\n}',
    result: [
      {
        containsItem: true,
        missingItem: false,
        containsFullMatchObject: true,
        missingFullMatchObject: false,
        containsPartialMatchObject: true,
        missingPartialMatchObject: false,
      },
    ],
  },
  {
    name: 'array-length',
    validated: true,
    query:
      'SELECT VALUE {\n    length: ARRAY_LENGTH([70, 86, 92, 99, 85, 90, 82]),\n    emptyLength: ARRAY_LENGTH([]),\n    nullLength: ARRAY_LENGTH(null)\n}',
    result: [{ length: 7, emptyLength: 0 }],
  },
  {
    name: 'array-slice',
    validated: true,
    query:
      'SELECT VALUE {\n    sliceFromStart: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], 0),\n    sliceFromSecond: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], 1),\n    sliceFromLast: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], -1),\n    sliceFromSecondToLast: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], -2),\n    sliceThreeFromStart: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], 0, 3),\n    sliceTwelveFromStart: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], 0, 12),\n    sliceFiveFromThird: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], 3, 5),\n    sliceOneFromSecondToLast: ARRAY_SLICE([70, 86, 92, 99, 85, 90, 82], -2, 1)\n}',
    result: [
      {
        sliceFromStart: [70, 86, 92, 99, 85, 90, 82],
        sliceFromSecond: [86, 92, 99, 85, 90, 82],
        sliceFromLast: [82],
        sliceFromSecondToLast: [90, 82],
        sliceThreeFromStart: [70, 86, 92],
        sliceTwelveFromStart: [70, 86, 92, 99, 85, 90, 82],
        sliceFiveFromThird: [99, 85, 90, 82],
        sliceOneFromSecondToLast: [90],
      },
    ],
  },
  {
    name: 'asin',
    validated: true,
    query: 'SELECT VALUE {\n    arcsine: ACOS(-1)\n}',
    result: [{ arcsine: 3.141592653589793 }],
  },
  {
    name: 'atan',
    validated: true,
    query: 'SELECT VALUE {\n    arctangent: ATAN(-45.01)\n}',
    result: [{ arctangent: -1.5485826962062663 }],
  },
  {
    name: 'atn2',
    validated: true,
    query: 'SELECT VALUE {\n    arctangentInRadians: ATN2(35.175643, 129.44)\n}',
    result: [{ arctangentInRadians: 0.265344532064832 }],
  },
  {
    name: 'average',
    validated: true,
    query: 'SELECT VALUE\n    AVG(p.price)\nFROM \n    products p\nWHERE\n    p.category = "small-bags"',
    seed: [
      { id: '8601166197', name: 'Glaark bag', category: 'small-bags', price: 20.28 },
      { id: '4762595687', name: 'Astoney pack', category: 'small-bags', price: 5.11 },
      { id: '8256269564', name: 'Icento pack', category: 'small-bags', price: 62.21 },
    ],
    result: [29.2],
  },
  {
    name: 'ceiling',
    validated: true,
    query:
      'SELECT VALUE {\n    ceilingPositiveInteger: CEILING(123.45), \n    ceilingNegativeInteger: CEILING(-45.72),\n    ceilingZero: CEILING(0)\n}',
    result: [{ ceilingPositiveInteger: 124, ceilingNegativeInteger: -45, ceilingZero: 0 }],
  },
  {
    name: 'choose',
    validated: true,
    query: 'SELECT VALUE \n    CHOOSE(1, "adventure", "works", true, [1])',
    result: ['adventure'],
  },
  {
    name: 'choose-fields',
    validated: true,
    query:
      'SELECT\n    CHOOSE(3, p.category, p.name, p.sku) AS barcode\nFROM\n    products p\nWHERE\n    p.category = "short-fins"',
    seed: [
      { id: '68719519522', name: 'Gremon Fins', sku: '73311', tags: ['Science Blue', 'Turbo'], category: 'short-fins' },
    ],
    result: [{ barcode: '73311' }],
  },
  {
    name: 'choose-indexes',
    validated: true,
    query:
      'SELECT VALUE {\n    index_0: CHOOSE(0, "abc", 1, true, [1]),\n    index_1: CHOOSE(1, "abc", 1, true, [1]),\n    index_2: CHOOSE(2, "abc", 1, true, [1]),\n    index_3: CHOOSE(3, "abc", 1, true, [1]),\n    index_4: CHOOSE(4, "abc", 1, true, [1]),\n    index_5: CHOOSE(5, "abc", 1, true, [1])\n}',
    result: [{ index_1: 'abc', index_2: 1, index_3: true, index_4: [1] }],
  },
  {
    name: 'concat',
    validated: true,
    query: 'SELECT VALUE\n    CONCAT("adventure", "works")',
    result: ['adventureworks'],
  },
  {
    name: 'concat-fields',
    validated: true,
    query:
      'SELECT VALUE {\n    sku: CONCAT(p.slug, "-", p.category, "-", p.model)\n}\nFROM\n    products p\nWHERE\n    p.category = "heavy-coats"',
    seed: [{ id: '7069457172', slug: 'duonovi-pro-coat', model: '8061', category: 'heavy-coats' }],
    result: [{ sku: 'duonovi-pro-coat-heavy-coats-8061' }],
  },
  {
    name: 'contains',
    validated: true,
    query:
      'SELECT VALUE {\n    containsPrefix: CONTAINS("AdventureWorks", "Adventure"), \n    containsSuffix: CONTAINS("AdventureWorks", "Works"),\n    containsWrongCase: CONTAINS("AdventureWorks", "adventure"), \n    containsWrongCaseValidateCase: CONTAINS("AdventureWorks", "adventure", false), \n    containsWrongCaseIgnoreCase: CONTAINS("AdventureWorks", "works", true),\n    containsMismatch: CONTAINS("AdventureWorks", "Contoso")\n}',
    result: [
      {
        containsPrefix: true,
        containsSuffix: true,
        containsWrongCase: false,
        containsWrongCaseValidateCase: false,
        containsWrongCaseIgnoreCase: true,
        containsMismatch: false,
      },
    ],
  },
  {
    name: 'cos',
    validated: true,
    query: 'SELECT VALUE {\n    cosine: COS(14.78)\n}',
    result: [{ cosine: -0.5994654261946543 }],
  },
  {
    name: 'cot',
    validated: true,
    query: 'SELECT VALUE {\n    cotangent: COT(124.1332)\n}',
    result: [{ cotangent: -0.040311998371148884 }],
  },
  {
    name: 'count',
    validated: true,
    query: 'SELECT VALUE\n    COUNT(p.name)\nFROM\n    products p\nWHERE\n    p.category = "socks"',
    seed: [
      { id: '5922901576', name: 'Horric socks', category: 'socks' },
      { id: '1859046259', name: 'Shinity socks', category: 'socks' },
      { id: '3656853690', category: 'socks' },
    ],
    result: [2],
  },
  {
    name: 'count-expression',
    validated: true,
    query: 'SELECT VALUE {\n    countScalar: COUNT(1),\n    countExpression: COUNT(2 + 3)\n}',
    result: [{ countScalar: 1, countExpression: 1 }],
  },
  {
    name: 'datetimeadd',
    validated: true,
    query:
      'SELECT VALUE {\n    addOneYear: DateTimeAdd("yyyy", 1, "2020-07-03T00:00:00.0000000"),\n    addOneMonth: DateTimeAdd("mm", 1, "2020-07-03T00:00:00.0000000"),\n    addOneDay: DateTimeAdd("dd", 1, "2020-07-03T00:00:00.0000000"),\n    addOneHour: DateTimeAdd("hh", 1, "2020-07-03T00:00:00.0000000"),\n    subtractOneYear: DateTimeAdd("yyyy", -1, "2020-07-03T00:00:00.0000000"),\n    subtractOneMonth: DateTimeAdd("mm", -1, "2020-07-03T00:00:00.0000000"),\n    subtractOneDay: DateTimeAdd("dd", -1, "2020-07-03T00:00:00.0000000"),\n    subtractOneHour: DateTimeAdd("hh", -1, "2020-07-03T00:00:00.0000000"),\n    modifySecondsExpression: DateTimeAdd("ss", 5 * -5, "2020-07-03T00:00:00.0000000")\n}',
    result: [
      {
        addOneYear: '2021-07-03T00:00:00.0000000Z',
        addOneMonth: '2020-08-03T00:00:00.0000000Z',
        addOneDay: '2020-07-04T00:00:00.0000000Z',
        addOneHour: '2020-07-03T01:00:00.0000000Z',
        subtractOneYear: '2019-07-03T00:00:00.0000000Z',
        subtractOneMonth: '2020-06-03T00:00:00.0000000Z',
        subtractOneDay: '2020-07-02T00:00:00.0000000Z',
        subtractOneHour: '2020-07-02T23:00:00.0000000Z',
        modifySecondsExpression: '2020-07-02T23:59:35.0000000Z',
      },
    ],
  },
  {
    name: 'datetimebin',
    validated: true,
    query:
      'SELECT VALUE {\n    binDay: DateTimeBin("2021-01-08T18:35:00.0000000", "dd"),\n    binHour: DateTimeBin("2021-01-08T18:35:00.0000000", "hh"),\n    binSecond: DateTimeBin("2021-01-08T18:35:00.0000000", "ss"),\n    binFiveHours: DateTimeBin("2021-01-08T18:35:00.0000000", "hh", 5),\n    binSevenDaysUnixEpoch: DateTimeBin("2021-01-08T18:35:00.0000000", "dd", 7),\n    binSevenDaysWindowsEpoch: DateTimeBin("2021-01-08T18:35:00.0000000", "dd", 7, "1601-01-01T00:00:00.0000000")\n}',
    result: [
      {
        binDay: '2021-01-08T00:00:00.0000000Z',
        binHour: '2021-01-08T18:00:00.0000000Z',
        binSecond: '2021-01-08T18:35:00.0000000Z',
        binFiveHours: '2021-01-08T15:00:00.0000000Z',
        binSevenDaysUnixEpoch: '2021-01-07T00:00:00.0000000Z',
        binSevenDaysWindowsEpoch: '2021-01-04T00:00:00.0000000Z',
      },
    ],
  },
  {
    name: 'datetimediff',
    validated: true,
    query:
      'SELECT VALUE {\n    diffPastYears: DateTimeDiff("yyyy", "2019-02-04T16:00:00.0000000", "2018-03-05T05:00:00.0000000"),\n    diffPastMonths: DateTimeDiff("mm", "2019-02-04T16:00:00.0000000", "2018-03-05T05:00:00.0000000"),\n    diffPastDays: DateTimeDiff("dd", "2019-02-04T16:00:00.0000000", "2018-03-05T05:00:00.0000000"),\n    diffPastHours: DateTimeDiff("hh", "2019-02-04T16:00:00.0000000", "2018-03-05T05:00:00.0000000"),\n    diffPastSeconds: DateTimeDiff("ss", "2019-02-04T16:00:00.0000000", "2018-03-05T05:00:00.0000000"),\n    diffFutureYears: DateTimeDiff("yyyy", "2018-03-05T05:00:00.0000000", "2019-02-04T16:00:00.0000000"),\n    diffFutureMonths: DateTimeDiff("mm", "2018-03-05T05:00:00.0000000", "2019-02-04T16:00:00.0000000"),\n    diffFutureDays: DateTimeDiff("dd", "2018-03-05T05:00:00.0000000", "2019-02-04T16:00:00.0000000"),\n    diffFutureHours: DateTimeDiff("hh", "2018-03-05T05:00:00.0000000", "2019-02-04T16:00:00.0000000"),\n    diffFutureSeconds: DateTimeDiff("ss", "2018-03-05T05:00:00.0000000", "2019-02-04T16:00:00.0000000")\n}',
    result: [
      {
        diffPastYears: -1,
        diffPastMonths: -11,
        diffPastDays: -336,
        diffPastHours: -8075,
        diffPastSeconds: -29070000,
        diffFutureYears: 1,
        diffFutureMonths: 11,
        diffFutureDays: 336,
        diffFutureHours: 8075,
        diffFutureSeconds: 29070000,
      },
    ],
  },
  {
    name: 'datetimefromparts',
    validated: true,
    query:
      'SELECT VALUE {\n    constructMinArguments: DateTimeFromParts(2017, 4, 20),\n    constructMinEquivalent: DateTimeFromParts(2017, 4, 20, 0, 0, 0, 0),\n    constructAllArguments: DateTimeFromParts(2017, 4, 20, 13, 15, 20, 3456789),\n    constructPartialArguments: DateTimeFromParts(2017, 4, 20, 13, 15),\n    constructInvalidArguments: DateTimeFromParts(-2000, -1, -1)\n}',
    result: [
      {
        constructMinArguments: '2017-04-20T00:00:00.0000000Z',
        constructMinEquivalent: '2017-04-20T00:00:00.0000000Z',
        constructAllArguments: '2017-04-20T13:15:20.3456789Z',
        constructPartialArguments: '2017-04-20T13:15:00.0000000Z',
      },
    ],
  },
  {
    name: 'datetimepart',
    validated: true,
    query:
      'SELECT VALUE {\n    getYear: DateTimePart("yyyy", "2016-05-29T08:30:00.1301617"),\n    getMonth: DateTimePart("mm", "2016-05-29T08:30:00.1301617"),\n    getDay: DateTimePart("dd", "2016-05-29T08:30:00.1301617"),\n    getHour: DateTimePart("hh", "2016-05-29T08:30:00.1301617"),\n    getMinute: DateTimePart("mi", "2016-05-29T08:30:00.1301617"),\n    getSecond: DateTimePart("ss", "2016-05-29T08:30:00.1301617"),\n    getMillisecond: DateTimePart("ms", "2016-05-29T08:30:00.1301617"),\n    getMicrosecond: DateTimePart("mcs", "2016-05-29T08:30:00.1301617"),\n    getNanosecond: DateTimePart("ns", "2016-05-29T08:30:00.1301617")\n}',
    result: [
      {
        getYear: 2016,
        getMonth: 5,
        getDay: 29,
        getHour: 8,
        getMinute: 30,
        getSecond: 0,
        getMillisecond: 130,
        getMicrosecond: 130161,
        getNanosecond: 130161700,
      },
    ],
  },
  {
    name: 'datetimetoticks',
    validated: true,
    query: 'SELECT VALUE {\n    ticks: DateTimeToTicks("2015-05-19T12:00:00.0000000")\n}',
    result: [{ ticks: 14320368000000000 }],
  },
  {
    name: 'datetimetotimestamp',
    validated: true,
    query: 'SELECT VALUE {\n    timestamp: DateTimeToTimestamp("2015-05-19T12:00:00.0000000")\n}',
    result: [{ timestamp: 1432036800000 }],
  },
  {
    name: 'degrees',
    validated: true,
    query:
      'SELECT VALUE {\n    radiansHalfPiToDegrees: DEGREES(1.5707963267948966),\n    radiansPiToDegrees: DEGREES(3.141592653589793),\n    radiansOneAndHalfPiToDegrees: DEGREES(4.71238898038469),\n    radiansDoublePiToDegrees: DEGREES(6.283185307179586)\n}',
    result: [
      {
        radiansHalfPiToDegrees: 90,
        radiansPiToDegrees: 180,
        radiansOneAndHalfPiToDegrees: 270,
        radiansDoublePiToDegrees: 360,
      },
    ],
  },
  {
    name: 'endswith',
    validated: true,
    query:
      'SELECT VALUE {\n    endsWithWrongSuffix: ENDSWITH("AdventureWorks", "Adventure"),\n    endsWithCorrectSuffix: ENDSWITH("AdventureWorks", "Works"),\n    endsWithSuffixWrongCase: ENDSWITH("AdventureWorks", "works"),\n    endsWithSuffixCaseInsensitive: ENDSWITH("AdventureWorks", "works", true)\n}',
    result: [
      {
        endsWithWrongSuffix: false,
        endsWithCorrectSuffix: true,
        endsWithSuffixWrongCase: false,
        endsWithSuffixCaseInsensitive: true,
      },
    ],
  },
  {
    name: 'exp',
    validated: true,
    query:
      'SELECT VALUE {\n    expontentialZero: EXP(0),\n    exponentialTen: EXP(10),\n    exponentialTwenty: EXP(20)\n}',
    result: [{ expontentialZero: 1, exponentialTen: 22026.465794806718, exponentialTwenty: 485165195.4097903 }],
  },
  {
    name: 'floor',
    validated: true,
    query:
      'SELECT VALUE {\n    floorPostiveNumber: FLOOR(62.6),\n    floorNegativeNumber: FLOOR(-145.12),\n    floorSmallNumber: FLOOR(0.2989),\n    floorZero: FLOOR(0.0),\n    floorNull: FLOOR(null)\n}',
    result: [{ floorPostiveNumber: 62, floorNegativeNumber: -146, floorSmallNumber: 0, floorZero: 0 }],
  },
  {
    name: 'from',
    validated: true,
    query:
      'SELECT VALUE {\n    name: e.name,\n    location: e.workLocation\n}\nFROM\n    employees e\nWHERE\n    e.team = "Tech support"',
    seed: [
      { id: '3719350841', name: 'Tijana Stanković', workLocation: { office: 'Redmond, WA' }, team: 'Tech support' },
      { id: '6072808750', name: 'Jean Nadeau', workLocation: { type: 'Remote' }, team: 'Tech support' },
    ],
    result: [
      { name: 'Tijana Stanković', location: { office: 'Redmond, WA' } },
      { name: 'Jean Nadeau', location: { type: 'Remote' } },
    ],
  },
  {
    name: 'from-field',
    validated: true,
    query: 'SELECT \n    *\nFROM\n    employees.employment e\nWHERE\n    e.team = "Retail support"',
    seed: [
      {
        id: '6339549442',
        name: 'Cris Barros',
        employment: { hireDateTime: '2023-01-01T06:30:00.000Z', weeklyHours: 40, team: 'Retail support' },
      },
      {
        id: '5859346714',
        name: 'Eduarda Dias',
        employment: { hireDateTime: '2023-01-01T09:30:00.000Z', team: 'Retail support' },
      },
      {
        id: '4968499169',
        name: 'Darweshi Mhina',
        employment: { hireDateTime: '2023-01-01T15:30:00.000Z', weeklyHours: 32, team: 'Retail support' },
      },
    ],
    result: [
      { hireDateTime: '2023-01-01T06:30:00.000Z', weeklyHours: 40, team: 'Retail support' },
      { hireDateTime: '2023-01-01T09:30:00.000Z', team: 'Retail support' },
      { hireDateTime: '2023-01-01T15:30:00.000Z', weeklyHours: 32, team: 'Retail support' },
    ],
  },
  {
    name: 'group-by',
    validated: true,
    query:
      'SELECT \n    e.capabilities.softwareDevelopment AS developmentLang\nFROM\n    employees e\nWHERE\n    e.team = "Cloud software engineering"\nGROUP BY\n    e.capabilities.softwareDevelopment',
    seed: [
      {
        id: '3548979698',
        name: 'Jordan Mitchell',
        capabilities: { softwareDevelopment: 'python', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '4228924547',
        name: 'Mikaela Lee',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '2941063066',
        name: 'Graham Barnes',
        capabilities: { softwareDevelopment: 'c-sharp', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '9318573296',
        name: 'Hayden Cook',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '3601062997',
        name: 'Morgan Connors',
        capabilities: { mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '7074932233',
        name: 'Devon Torres',
        capabilities: { softwareDevelopment: 'python', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '3798545532',
        name: 'Sam Centrell',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
    ],
    result: [{}, { developmentLang: 'c-sharp' }, { developmentLang: 'javascript' }, { developmentLang: 'python' }],
  },
  {
    name: 'group-by-aggregate',
    validated: true,
    query:
      'SELECT \n    COUNT(1) AS trainedEmployees, \n    e.capabilities.softwareDevelopment AS developmentLang\nFROM\n    employees e\nWHERE\n    e.team = "Cloud software engineering"\nGROUP BY\n    e.capabilities.softwareDevelopment',
    seed: [
      {
        id: '3548979698',
        name: 'Jordan Mitchell',
        capabilities: { softwareDevelopment: 'python', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '4228924547',
        name: 'Mikaela Lee',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '2941063066',
        name: 'Graham Barnes',
        capabilities: { softwareDevelopment: 'c-sharp', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '9318573296',
        name: 'Hayden Cook',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '3601062997',
        name: 'Morgan Connors',
        capabilities: { mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '7074932233',
        name: 'Devon Torres',
        capabilities: { softwareDevelopment: 'python', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '3798545532',
        name: 'Sam Centrell',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
    ],
    result: [
      { trainedEmployees: 1 },
      { trainedEmployees: 1, developmentLang: 'c-sharp' },
      { trainedEmployees: 3, developmentLang: 'javascript' },
      { trainedEmployees: 2, developmentLang: 'python' },
    ],
  },
  {
    name: 'group-by-multiple',
    validated: true,
    query:
      'SELECT \n    COUNT(1) AS employeesWithThisTraining, \n    e.capabilities.softwareDevelopment AS developmentLang,\n    e.capabilities.mediaTrained AS mediaReady\nFROM\n    employees e\nWHERE\n    e.team = "Cloud software engineering"\nGROUP BY\n    e.capabilities.softwareDevelopment,\n    e.capabilities.mediaTrained',
    seed: [
      {
        id: '3548979698',
        name: 'Jordan Mitchell',
        capabilities: { softwareDevelopment: 'python', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '4228924547',
        name: 'Mikaela Lee',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '2941063066',
        name: 'Graham Barnes',
        capabilities: { softwareDevelopment: 'c-sharp', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '9318573296',
        name: 'Hayden Cook',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '3601062997',
        name: 'Morgan Connors',
        capabilities: { mediaTrained: true },
        team: 'Cloud software engineering',
      },
      {
        id: '7074932233',
        name: 'Devon Torres',
        capabilities: { softwareDevelopment: 'python', mediaTrained: false },
        team: 'Cloud software engineering',
      },
      {
        id: '3798545532',
        name: 'Sam Centrell',
        capabilities: { softwareDevelopment: 'javascript', mediaTrained: true },
        team: 'Cloud software engineering',
      },
    ],
    result: [
      { employeesWithThisTraining: 1, developmentLang: 'python', mediaReady: true },
      { employeesWithThisTraining: 1, developmentLang: 'javascript', mediaReady: false },
      { employeesWithThisTraining: 1, developmentLang: 'c-sharp', mediaReady: true },
      { employeesWithThisTraining: 2, developmentLang: 'javascript', mediaReady: true },
      { employeesWithThisTraining: 1, mediaReady: true },
      { employeesWithThisTraining: 1, developmentLang: 'python', mediaReady: false },
    ],
  },
  {
    name: 'iif',
    validated: true,
    query:
      'SELECT VALUE {\n    evalTrue: IIF(true, 123, 456),\n    evalFalse: IIF(false, 123, 456),\n    evalNumberNotTrue: IIF(123, 123, 456),\n    evalStringNotTrue: IIF("ABC", 123, 456),\n    evalArrayNotTrue: IIF([1,2,3], 123, 456),\n    evalObjectNotTrue: IIF({"name": "Alice", "age": 20}, 123, 456)\n}',
    result: [
      {
        evalTrue: 123,
        evalFalse: 456,
        evalNumberNotTrue: 456,
        evalStringNotTrue: 456,
        evalArrayNotTrue: 456,
        evalObjectNotTrue: 456,
      },
    ],
  },
  {
    name: 'iif-fields',
    validated: true,
    query:
      'SELECT\n    p.name,\n    IIF(p.onSale, p.pricing.sale, p.pricing.msrp) AS price\nFROM\n    products p\nWHERE\n    p.category = "camp-utensils"',
    seed: [
      {
        id: '68719519221',
        name: 'Estrel Set Cutlery',
        onSale: true,
        category: 'camp-utensils',
        pricing: { msrp: 55.95, sale: 30.85 },
      },
      {
        id: '68719520367',
        name: 'Willagno Spork',
        onSale: false,
        category: 'camp-utensils',
        pricing: { msrp: 20.15, sale: 12.55 },
      },
    ],
    result: [
      { name: 'Estrel Set Cutlery', price: 30.85 },
      { name: 'Willagno Spork', price: 20.15 },
    ],
  },
  {
    name: 'index-of',
    validated: true,
    query:
      'SELECT VALUE {\n    indexOfFirstLetter: INDEX_OF("AdventureWorks", "A"),\n    indexOfLastLetter: INDEX_OF("AdventureWorks", "s"),\n    indexOfPrefix: INDEX_OF("AdventureWorks", "Adventure"),\n    indexOfSuffix: INDEX_OF("AdventureWorks", "Works"),\n    indexOfSubstring: INDEX_OF("AdventureWorks", "tureW"),\n    indexOfNonMatch: INDEX_OF("AdventureWorks", "Cosmos"),\n    indexOfCustomStartMatch: INDEX_OF("AdventureWorks", "Works", 5),\n    indexOfCustomStartNoMatch: INDEX_OF("AdventureWorks", "Adventure", 5),\n    indexOfCaseSensitive: INDEX_OF("AdventureWorks", "aD")\n}',
    result: [
      {
        indexOfFirstLetter: 0,
        indexOfLastLetter: 13,
        indexOfPrefix: 0,
        indexOfSuffix: 9,
        indexOfSubstring: 5,
        indexOfNonMatch: -1,
        indexOfCustomStartMatch: 9,
        indexOfCustomStartNoMatch: -1,
        indexOfCaseSensitive: -1,
      },
    ],
  },
  {
    name: 'intadd',
    validated: true,
    query:
      'SELECT VALUE {\n    addNumber: IntAdd(20, 10),\n    addZero: IntAdd(20, 0),\n    addDecimal: IntAdd(20, 0.10)\n}',
    result: [{ addNumber: 30, addZero: 20 }],
  },
  {
    name: 'intbitand',
    validated: false,
    query:
      'SELECT VALUE {\n    compareNumbers: IntBitAnd(15, 25),\n    compareZero: IntBitAnd(15, 0),\n    compareSameNumber: IntBitAnd(15, 15),\n    compareDecimal: IntBitAnd(15, 1.5)\n}',
    result: [{ compareNumbers: 9, compareZero: 0, compareSameNumber: 15 }],
  },
  {
    name: 'intbitleftshift',
    validated: false,
    query: 'SELECT VALUE {\n    shiftInteger: IntBitLeftShift(16, 4),\n    shiftDecimal: IntBitLeftShift(16, 0.4)\n}',
    result: [{ shiftInteger: 256 }],
  },
  {
    name: 'intbitnot',
    validated: false,
    query:
      'SELECT VALUE {\n    complementNumber: IntBitNot(65),\n    complementZero: IntBitNot(0),\n    complementDecimal: IntBitNot(0.1)\n}',
    result: [{ complementNumber: -66, complementZero: -1 }],
  },
  {
    name: 'intbitor',
    validated: false,
    query:
      'SELECT VALUE {\n    inclusiveOr: IntBitOr(56, 100),\n    inclusiveOrSame: IntBitOr(56, 56),\n    inclusiveOrZero: IntBitOr(56, 0),\n    inclusiveOrDecimal: IntBitOr(56, 0.1)\n}',
    result: [{ inclusiveOr: 124, inclusiveOrSame: 56, inclusiveOrZero: 56 }],
  },
  {
    name: 'intbitrightshift',
    validated: false,
    query: 'SELECT VALUE {\n    shiftInteger: IntBitRightShift(16, 4),\n    shiftDecimal: IntBitRightShift(16, 0.4)\n}',
    result: [{ shiftInteger: 1 }],
  },
  {
    name: 'intbitxor',
    validated: false,
    query:
      'SELECT VALUE {\n    exclusiveOr: IntBitXor(56, 100),\n    exclusiveOrSame: IntBitXor(56, 56),\n    exclusiveOrZero: IntBitXor(56, 0),\n    exclusiveOrDecimal: IntBitXor(56, 0.1)\n}',
    result: [{ exclusiveOr: 92, exclusiveOrSame: 0, exclusiveOrZero: 56 }],
  },
  {
    name: 'intdiv',
    validated: true,
    query:
      'SELECT VALUE {\n    divide: IntDiv(10, 2),\n    negativeResult: IntDiv(10, -2),\n    positiveResult: IntDiv(-10, -2),\n    resultOne: IntDiv(10, 10),\n    divideZero: IntDiv(10, 0),\n    divideDecimal: IntDiv(10, 0.1)\n}',
    result: [{ divide: 5, negativeResult: -5, positiveResult: 5, resultOne: 1 }],
  },
  {
    name: 'intmod',
    validated: true,
    query:
      'SELECT VALUE {\n    mod: IntMod(12, 5),\n    positiveResult: IntMod(12, -5),\n    negativeResult: IntMod(-12, -5),\n    resultZero: IntMod(15, 5),\n    modZero: IntMod(12, 0),\n    modDecimal: IntMod(12, 0.2)\n}',
    result: [{ mod: 2, positiveResult: 2, negativeResult: -2, resultZero: 0 }],
  },
  {
    name: 'intmul',
    validated: true,
    query:
      'SELECT VALUE {\n    multiply: IntMul(5, 2),\n    negativeResult: IntMul(5, -2),\n    positiveResult: IntMul(-5, -2),\n    square: IntMul(5, 5),\n    cube: IntMul(5, IntMul(5, 5)),\n    multiplyZero: IntMul(5, 0),\n    multiplyDecimal: IntMul(5, 0.5)\n}',
    result: [{ multiply: 10, negativeResult: -10, positiveResult: 10, square: 25, cube: 125, multiplyZero: 0 }],
  },
  {
    name: 'intsub',
    validated: true,
    query:
      'SELECT VALUE {\n    negativeResult: IntSub(25, 50),\n    positiveResult: IntSub(25, 15),\n    subtractSameNumber: IntSub(25, 25),\n    subtractZero: IntSub(25, 0),\n    subtractDecimal: IntSub(25, 2.5)\n}',
    result: [{ negativeResult: -25, positiveResult: 10, subtractSameNumber: 0, subtractZero: 25 }],
  },
  {
    name: 'is-array',
    validated: true,
    query:
      'SELECT VALUE {\n    booleanIsArray: IS_ARRAY(true),\n    numberIsArray: IS_ARRAY(65),  \n    stringIsArray: IS_ARRAY("AdventureWorks"),   \n    nullIsArray: IS_ARRAY(null),  \n    objectIsArray: IS_ARRAY({size: "small"}),   \n    arrayIsArray: IS_ARRAY([25344, 82947]),  \n    arrayObjectPropertyIsArray: IS_ARRAY({skus: [25344, 82947], vendors: null}.skus),\n    invalidObjectPropertyIsArray: IS_ARRAY({skus: [25344, 82947], vendors: null}.size),\n    nullObjectPropertyIsArray: IS_ARRAY({skus: [25344, 82947], vendors: null}.vendor)\n}',
    result: [
      {
        booleanIsArray: false,
        numberIsArray: false,
        stringIsArray: false,
        nullIsArray: false,
        objectIsArray: false,
        arrayIsArray: true,
        arrayObjectPropertyIsArray: true,
        invalidObjectPropertyIsArray: false,
        nullObjectPropertyIsArray: false,
      },
    ],
  },
  {
    name: 'is-bool',
    validated: true,
    query:
      'SELECT VALUE {\n    booleanIsBool: IS_BOOL(true),\n    numberIsBool: IS_BOOL(65),  \n    stringIsBool: IS_BOOL("AdventureWorks"),   \n    nullIsBool: IS_BOOL(null),  \n    objectIsBool: IS_BOOL({size: "small"}),   \n    arrayIsBool: IS_BOOL([25344, 82947]),  \n    arrayObjectPropertyIsBool: IS_BOOL({skus: [25344, 82947], vendors: null}.skus),\n    invalidObjectPropertyIsBool: IS_BOOL({skus: [25344, 82947], vendors: null}.size),\n    nullObjectPropertyIsBool: IS_BOOL({skus: [25344, 82947], vendors: null}.vendor)\n}',
    result: [
      {
        booleanIsBool: true,
        numberIsBool: false,
        stringIsBool: false,
        nullIsBool: false,
        objectIsBool: false,
        arrayIsBool: false,
        arrayObjectPropertyIsBool: false,
        invalidObjectPropertyIsBool: false,
        nullObjectPropertyIsBool: false,
      },
    ],
  },
  {
    name: 'is-defined',
    validated: true,
    query:
      'SELECT VALUE {\n    isDefined: IS_DEFINED({ "quantity" : 5 }.quantity), \n    isNotDefined: IS_DEFINED({ "quantity" : 5 }.name)\n}',
    result: [{ isDefined: true, isNotDefined: false }],
  },
  {
    name: 'is-finite-number',
    validated: true,
    query:
      'SELECT VALUE {\n    finiteValue: IS_FINITE_NUMBER(1234.567),\n    infiniteValue: IS_FINITE_NUMBER(8.9 / 0.0),\n    nanValue: IS_FINITE_NUMBER(SQRT(-1.0))\n}',
    result: [{ finiteValue: true, infiniteValue: false, nanValue: false }],
  },
  {
    name: 'is-integer',
    validated: true,
    query:
      'SELECT VALUE {\n    smallDecimalValue: IS_INTEGER(3454.123),\n    integerValue: IS_INTEGER(5523432),\n    minIntegerValue: IS_INTEGER(-9223372036854775808),\n    maxIntegerValue: IS_INTEGER(9223372036854775807),\n    outOfRangeValue: IS_INTEGER(18446744073709551615)\n}',
    result: [
      {
        smallDecimalValue: false,
        integerValue: true,
        minIntegerValue: true,
        maxIntegerValue: true,
        outOfRangeValue: false,
      },
    ],
  },
  {
    name: 'is-null',
    validated: true,
    query:
      'SELECT VALUE {\n    booleanIsNull: IS_NULL(true),\n    numberIsNull: IS_NULL(15),  \n    stringIsNull: IS_NULL("AdventureWorks"),   \n    nullIsNull: IS_NULL(null),  \n    objectIsNull: IS_NULL({price: 85.23}),   \n    arrayIsNull: IS_NULL(["red", "blue", "yellow"]),  \n    populatedObjectPropertyIsNull: IS_NULL({quantity: 25, vendor: null}.quantity),\n    invalidObjectPropertyIsNull: IS_NULL({quantity: 25, vendor: null}.size),\n    nullObjectPropertyIsNull: IS_NULL({quantity: 25, vendor: null}.vendor)\n}',
    result: [
      {
        booleanIsNull: false,
        numberIsNull: false,
        stringIsNull: false,
        nullIsNull: true,
        objectIsNull: false,
        arrayIsNull: false,
        populatedObjectPropertyIsNull: false,
        invalidObjectPropertyIsNull: false,
        nullObjectPropertyIsNull: true,
      },
    ],
  },
  {
    name: 'is-number',
    validated: true,
    query:
      'SELECT VALUE {\n    isBooleanANumber: IS_NUMBER(true),\n    isNumberANumber: IS_NUMBER(1),\n    isStringANumber: IS_NUMBER("value"),\n    isNullANumber: IS_NUMBER(null),\n    isObjectANumber: IS_NUMBER({ "name": "Tecozow coat" }),\n    isObjectStringPropertyANumber: IS_NUMBER({ "name": "Tecozow coat" }.name),\n    isObjectNumberPropertyANumber: IS_NUMBER({ "quantity": 0 }.quantity),\n    isUndefinedANumber: IS_NUMBER({}.category)\n}',
    result: [
      {
        isBooleanANumber: false,
        isNumberANumber: true,
        isStringANumber: false,
        isNullANumber: false,
        isObjectANumber: false,
        isObjectStringPropertyANumber: false,
        isObjectNumberPropertyANumber: true,
        isUndefinedANumber: false,
      },
    ],
  },
  {
    name: 'is-object',
    validated: true,
    query:
      'SELECT VALUE {\n    isBooleanAnObject: IS_OBJECT(true),\n    isNumberAnObject: IS_OBJECT(1),\n    isStringAnObject: IS_OBJECT("value"),\n    isArrayAnObject: IS_OBJECT([ "green", "red", "yellow" ]),\n    isNullAnObject: IS_OBJECT(null),\n    isObjectAnObject: IS_OBJECT({ "name": "Tecozow coat" }),\n    isObjectStringPropertyAnObject: IS_OBJECT({ "name": "Tecozow coat" }.name),\n    isObjectObjectPropertyAnObject: IS_OBJECT({ "quantity": { "count": 0 } }.quantity),\n    isUndefinedAnObject: IS_OBJECT({}.category)\n}',
    result: [
      {
        isBooleanAnObject: false,
        isNumberAnObject: false,
        isStringAnObject: false,
        isArrayAnObject: false,
        isNullAnObject: false,
        isObjectAnObject: true,
        isObjectStringPropertyAnObject: false,
        isObjectObjectPropertyAnObject: true,
        isUndefinedAnObject: false,
      },
    ],
  },
  {
    name: 'is-primitive',
    validated: true,
    query:
      'SELECT VALUE {\n    isBooleanAPrimitive: IS_PRIMITIVE(true),\n    isNumberAPrimitive: IS_PRIMITIVE(1),\n    isStringAPrimitive: IS_PRIMITIVE("value"),\n    isArrayAPrimitive: IS_PRIMITIVE([ "green", "red", "yellow" ]),\n    isNullAPrimitive: IS_PRIMITIVE(null),\n    isObjectAPrimitive: IS_PRIMITIVE({ "name": "Tecozow coat" }),\n    isObjectStringPropertyAPrimitive: IS_PRIMITIVE({ "name": "Tecozow coat" }.name),\n    isObjectBooleanPropertyAPrimitive: IS_PRIMITIVE({ "onSale": false }.onSale),\n    isUndefinedAPrimitive: IS_PRIMITIVE({}.category)\n}',
    result: [
      {
        isBooleanAPrimitive: true,
        isNumberAPrimitive: true,
        isStringAPrimitive: true,
        isArrayAPrimitive: false,
        isNullAPrimitive: true,
        isObjectAPrimitive: false,
        isObjectStringPropertyAPrimitive: true,
        isObjectBooleanPropertyAPrimitive: true,
        isUndefinedAPrimitive: false,
      },
    ],
  },
  {
    name: 'is-string',
    validated: true,
    query:
      'SELECT VALUE {\n    isBooleanAString: IS_STRING(true),\n    isNumberAString: IS_STRING(1),\n    isStringAString: IS_STRING("value"),\n    isArrayAString: IS_STRING([ "green", "red", "yellow" ]),\n    isNullAString: IS_STRING(null),\n    isObjectAString: IS_STRING({ "name": "Tecozow coat" }),\n    isObjectStringPropertyAString: IS_STRING({ "name": "Tecozow coat" }.name),\n    isObjectBooleanPropertyAString: IS_STRING({ "onSale": false }.onSale),\n    isUndefinedAString: IS_STRING({}.category)\n}',
    result: [
      {
        isBooleanAString: false,
        isNumberAString: false,
        isStringAString: true,
        isArrayAString: false,
        isNullAString: false,
        isObjectAString: false,
        isObjectStringPropertyAString: true,
        isObjectBooleanPropertyAString: false,
        isUndefinedAString: false,
      },
    ],
  },
  {
    name: 'left',
    validated: true,
    query:
      'SELECT VALUE {\n    firstZero: LEFT("AdventureWorks", 0),\n    firstOne: LEFT("AdventureWorks", 1),\n    firstFive: LEFT("AdventureWorks", 5),\n    fullLength: LEFT("AdventureWorks", LENGTH("AdventureWorks")),\n    beyondMaxLength: LEFT("AdventureWorks", 100)\n}',
    result: [
      {
        firstZero: '',
        firstOne: 'A',
        firstFive: 'Adven',
        fullLength: 'AdventureWorks',
        beyondMaxLength: 'AdventureWorks',
      },
    ],
  },
  {
    name: 'length',
    validated: true,
    query:
      'SELECT VALUE {\n    stringValue: LENGTH("AdventureWorks"),\n    emptyString: LENGTH(""),\n    nullValue: LENGTH(null),\n    numberValue: LENGTH(0),\n    arrayValue: LENGTH(["Adventure", "Works"])\n}',
    result: [{ stringValue: 14, emptyString: 0 }],
  },
  {
    name: 'log-base',
    validated: true,
    query: 'SELECT VALUE {\n    logFive: LOG(5),\n    logTwoBaseTen: LOG(2, 10)\n}',
    result: [{ logFive: 1.6094379124341003, logTwoBaseTen: 0.3010299956639812 }],
  },
  {
    name: 'log10',
    validated: true,
    query:
      'SELECT VALUE {\n    logFiveBaseTen: LOG10(5),\n    logTwoBaseTen: LOG10(2),\n    logHundredBaseTen: LOG10(100)\n}',
    result: [{ logFiveBaseTen: 0.6989700043360189, logTwoBaseTen: 0.3010299956639812, logHundredBaseTen: 2 }],
  },
  {
    name: 'lower',
    validated: true,
    query:
      'SELECT VALUE {\n    lowercase: LOWER("adventureworks"),\n    uppercase: LOWER("ADVENTUREWORKS"),\n    camelCase: LOWER("adventureWorks"),\n    pascalCase: LOWER("AdventureWorks"),\n    upperSnakeCase: LOWER("ADVENTURE_WORKS")\n}',
    result: [
      {
        lowercase: 'adventureworks',
        uppercase: 'adventureworks',
        camelCase: 'adventureworks',
        pascalCase: 'adventureworks',
        upperSnakeCase: 'adventure_works',
      },
    ],
  },
  {
    name: 'ltrim',
    validated: true,
    query:
      'SELECT VALUE {\n    whitespaceStart: LTRIM("  AdventureWorks"), \n    whitespaceStartEnd: LTRIM("  AdventureWorks  "), \n    whitespaceEnd: LTRIM("AdventureWorks  "), \n    noWhitespace: LTRIM("AdventureWorks"),\n    trimSuffix: LTRIM("AdventureWorks", "Works"),\n    trimPrefix: LTRIM("AdventureWorks", "Adventure"),\n    trimEntireTerm: LTRIM("AdventureWorks", "AdventureWorks"),\n    trimEmptyString: LTRIM("AdventureWorks", "")\n}',
    result: [
      {
        whitespaceStart: 'AdventureWorks',
        whitespaceStartEnd: 'AdventureWorks  ',
        whitespaceEnd: 'AdventureWorks  ',
        noWhitespace: 'AdventureWorks',
        trimSuffix: 'AdventureWorks',
        trimPrefix: 'Works',
        trimEntireTerm: '',
        trimEmptyString: 'AdventureWorks',
      },
    ],
  },
  {
    name: 'max',
    validated: true,
    query: 'SELECT\n    MAX(p.price) AS maxPrice\nFROM \n    products p\nWHERE\n    p.category = "activity-bracelet"',
    seed: [
      { id: '5936449505', price: 71.76, name: 'Iroowl bracelet', category: 'activity-bracelet' },
      { id: '4426745018', price: 27.07, name: 'Icenty bracelet', category: 'activity-bracelet' },
    ],
    result: [{ maxPrice: 71.76 }],
  },
  {
    name: 'min',
    validated: true,
    query: 'SELECT\n    MIN(p.price) AS minPrice\nFROM \n    products p\nWHERE\n    p.category = "fashion-bracelet"',
    seed: [
      { id: '5509201658', price: 87.66, name: 'Genish bracelet', category: 'fashion-bracelet' },
      { id: '9888912168', price: 27.6, name: 'Plative bracelet', category: 'fashion-bracelet' },
    ],
    result: [{ minPrice: 27.6 }],
  },
  {
    name: 'numberbin',
    validated: false,
    query:
      'SELECT VALUE {\n    roundToNegativeHundreds: NumberBin(37.752, -100),\n    roundToTens: NumberBin(37.752, 10),\n    roundToOnes: NumberBin(37.752, 1),\n    roundToZeroes: NumberBin(37.752, 0),\n    roundToOneTenths: NumberBin(37.752, 0.1),\n    roundToOneHundreds: NumberBin(37.752, 0.01)\n}',
    result: [
      {
        roundToNegativeHundreds: 100,
        roundToTens: 30,
        roundToOnes: 37,
        roundToOneTenths: 37.7,
        roundToOneHundreds: 37.75,
      },
    ],
  },
  {
    name: 'numberbin-field',
    validated: false,
    query:
      'SELECT\n    p.name,\n    NumberBin(p.price, 0.01) AS price\nFROM\n    products p\nWHERE\n    p.category = "portable-cooking"',
    seed: [{ id: '8086446321', name: 'Ignis Cooking System', price: 155.23478, category: 'portable-cooking' }],
    result: [{ name: 'Ignis Cooking System', price: 155.23 }],
  },
  {
    name: 'objecttoarray',
    validated: true,
    query: 'SELECT VALUE\n    ObjectToArray({ \n        "a": "12345", \n        "b": "67890"\n    })',
    result: [
      [
        { k: 'a', v: '12345' },
        { k: 'b', v: '67890' },
      ],
    ],
  },
  {
    name: 'objecttoarray-field',
    validated: true,
    query:
      'SELECT\n    p.name,\n    ObjectToArray(p.quantities, "size", "quantity") AS quantitiesBySize\nFROM\n    products p\nWHERE\n    p.category = "sport-helmets"',
    seed: [
      {
        id: '5459459234',
        name: 'Witalica helmet',
        category: 'sport-helmets',
        quantities: { small: 15, medium: 24, large: 2, xlarge: 0 },
      },
    ],
    result: [
      {
        name: 'Witalica helmet',
        quantitiesBySize: [
          { size: 'small', quantity: 15 },
          { size: 'medium', quantity: 24 },
          { size: 'large', quantity: 2 },
          { size: 'xlarge', quantity: 0 },
        ],
      },
    ],
  },
  {
    name: 'objecttoarray-key',
    validated: true,
    query: 'SELECT VALUE\n    ObjectToArray({ \n        "a": "12345", \n        "b": "67890"\n    }, "name")',
    result: [
      [
        { name: 'a', v: '12345' },
        { name: 'b', v: '67890' },
      ],
    ],
  },
  {
    name: 'objecttoarray-key-value',
    validated: true,
    query: 'SELECT VALUE\n    ObjectToArray({ \n        "a": "12345", \n        "b": "67890"\n    }, "key", "value")',
    result: [
      [
        { key: 'a', value: '12345' },
        { key: 'b', value: '67890' },
      ],
    ],
  },
  {
    name: 'offset-limit',
    validated: true,
    query:
      'SELECT VALUE {\n    name: e.name\n}\nFROM\n    employees e\nWHERE\n    e.team = "Leadership team"\nORDER BY\n    e.name\nOFFSET 1 LIMIT 3',
    seed: [
      { id: '5929071063', name: 'Sawyer Miller', team: 'Leadership team' },
      { id: '1599541170', name: 'Jennifer Wilkins', team: 'Leadership team' },
      { id: '9461206378', name: 'Hannah Haynes', team: 'Leadership team' },
      { id: '3261752803', name: 'Isaac Talbot', team: 'Leadership team' },
      { id: '5011271389', name: 'Riley Johnson', team: 'Leadership team' },
    ],
    result: [{ name: 'Isaac Talbot' }, { name: 'Jennifer Wilkins' }, { name: 'Riley Johnson' }],
  },
  {
    name: 'offset-limit-none',
    validated: true,
    query:
      'SELECT VALUE {\n    name: e.name\n}\nFROM\n    employees e\nWHERE\n    e.team = "Leadership team"\nORDER BY\n    e.name',
    seed: [
      { id: '5929071063', name: 'Sawyer Miller', team: 'Leadership team' },
      { id: '1599541170', name: 'Jennifer Wilkins', team: 'Leadership team' },
      { id: '9461206378', name: 'Hannah Haynes', team: 'Leadership team' },
      { id: '3261752803', name: 'Isaac Talbot', team: 'Leadership team' },
      { id: '5011271389', name: 'Riley Johnson', team: 'Leadership team' },
    ],
    result: [
      { name: 'Hannah Haynes' },
      { name: 'Isaac Talbot' },
      { name: 'Jennifer Wilkins' },
      { name: 'Riley Johnson' },
      { name: 'Sawyer Miller' },
    ],
  },
  {
    name: 'offset-limit-partial',
    validated: true,
    query:
      'SELECT VALUE {\n    name: e.name\n}\nFROM\n    employees e\nWHERE\n    e.team = "Leadership team"\nORDER BY\n    e.name\nOFFSET 1 LIMIT 5',
    seed: [
      { id: '5929071063', name: 'Sawyer Miller', team: 'Leadership team' },
      { id: '1599541170', name: 'Jennifer Wilkins', team: 'Leadership team' },
      { id: '9461206378', name: 'Hannah Haynes', team: 'Leadership team' },
      { id: '3261752803', name: 'Isaac Talbot', team: 'Leadership team' },
      { id: '5011271389', name: 'Riley Johnson', team: 'Leadership team' },
    ],
    result: [
      { name: 'Isaac Talbot' },
      { name: 'Jennifer Wilkins' },
      { name: 'Riley Johnson' },
      { name: 'Sawyer Miller' },
    ],
  },
  {
    name: 'order-by',
    validated: true,
    query:
      'SELECT VALUE {\n    firstName: e.name.first,\n    lastName: e.name.last\n}\nFROM\n    employees e\nWHERE\n    e.team = "Human resources"\nORDER BY\n    e.name.last',
    seed: [
      { id: '7600090320', name: { first: 'Casey', last: 'Jensen' }, team: 'Human resources' },
      { id: '8263106050', name: { first: 'Amari', last: 'Rivera' }, team: 'Human resources' },
      { id: '8699698812', name: { first: 'Kayla', last: 'Lewis' }, team: 'Human resources' },
    ],
    result: [
      { firstName: 'Casey', lastName: 'Jensen' },
      { firstName: 'Kayla', lastName: 'Lewis' },
      { firstName: 'Amari', lastName: 'Rivera' },
    ],
  },
  {
    name: 'order-by-desc',
    validated: true,
    query:
      'SELECT VALUE {\n    firstName: e.name.first,\n    lastName: e.name.last\n}\nFROM\n    employees e\nWHERE\n    e.team = "Human resources"\nORDER BY\n    e.name.last DESC',
    seed: [
      { id: '7600090320', name: { first: 'Casey', last: 'Jensen' }, team: 'Human resources' },
      { id: '8263106050', name: { first: 'Amari', last: 'Rivera' }, team: 'Human resources' },
      { id: '8699698812', name: { first: 'Kayla', last: 'Lewis' }, team: 'Human resources' },
    ],
    result: [
      { firstName: 'Amari', lastName: 'Rivera' },
      { firstName: 'Kayla', lastName: 'Lewis' },
      { firstName: 'Casey', lastName: 'Jensen' },
    ],
  },
  {
    name: 'order-by-multiple',
    validated: false,
    query:
      'SELECT VALUE {\n    firstName: e.name.first,\n    lastName: e.name.last\n}\nFROM\n    employees e\nWHERE\n    e.team = "Human resources"\nORDER BY\n    e.name.last DESC,\n    e.name.first ASC',
    seed: [
      { id: '7600090320', name: { first: 'Casey', last: 'Jensen' }, team: 'Human resources' },
      { id: '8263106050', name: { first: 'Amari', last: 'Rivera' }, team: 'Human resources' },
      { id: '8699698812', name: { first: 'Kayla', last: 'Lewis' }, team: 'Human resources' },
    ],
    result: [
      { firstName: 'Amari', lastName: 'Rivera' },
      { firstName: 'Kayla', lastName: 'Lewis' },
      { firstName: 'Casey', lastName: 'Jensen' },
    ],
  },
  { name: 'pi', validated: true, query: 'SELECT VALUE\n    PI()', result: [3.141592653589793] },
  {
    name: 'power',
    validated: true,
    query:
      'SELECT VALUE {\n    oneFirstPower: POWER(1, 1),\n    twoSquared: POWER(2, 2),\n    threeCubed: POWER(3, 3),\n    fourFourthPower: POWER(4, 4),\n    fiveFithPower: POWER(5, 5),\n    zeroSquared: POWER(0, 2),\n    nullCubed: POWER(null, 3),\n    twoNullPower: POWER(2, null)\n}',
    result: [
      { oneFirstPower: 1, twoSquared: 4, threeCubed: 27, fourFourthPower: 256, fiveFithPower: 3125, zeroSquared: 0 },
    ],
  },
  {
    name: 'radians',
    validated: true,
    query:
      'SELECT VALUE {\n    degrees90ToRadians: RADIANS(90),\n    degrees180ToRadians: RADIANS(180),\n    degrees270ToRadians: RADIANS(270),\n    degrees360ToRadians: RADIANS(360)\n}',
    result: [
      {
        degrees90ToRadians: 1.5707963267948966,
        degrees180ToRadians: 3.141592653589793,
        degrees270ToRadians: 4.71238898038469,
        degrees360ToRadians: 6.283185307179586,
      },
    ],
  },
  {
    name: 'regexmatch',
    validated: true,
    query:
      'SELECT VALUE {\n    noModifiers: RegexMatch("abcd", "ABC"), \n    caseInsensitive: RegexMatch("abcd", "ABC", "i"), \n    wildcardCharacter: RegexMatch("abcd", "ab.", ""),\n    ignoreWhiteSpace: RegexMatch("abcd", "ab c", "x"), \n    caseInsensitiveAndIgnoreWhiteSpace: RegexMatch("abcd", "aB c", "ix"),\n    containNumberBetweenZeroAndNine: RegexMatch("03a", "[0-9]"),\n    containPrefix: RegexMatch("salt3824908", "salt{1}"),\n    containsFiveLetterWordStartingWithS: RegexMatch("shame", "s....", "i")\n}',
    result: [
      {
        noModifiers: false,
        caseInsensitive: true,
        wildcardCharacter: true,
        ignoreWhiteSpace: true,
        caseInsensitiveAndIgnoreWhiteSpace: true,
        containNumberBetweenZeroAndNine: true,
        containPrefix: true,
        containsFiveLetterWordStartingWithS: true,
      },
    ],
  },
  {
    name: 'regexmatch-field',
    validated: true,
    query:
      'SELECT VALUE\n    p.name\nFROM\n    products p\nWHERE\n    p.category = "winter-coats" AND    \n    RegexMatch(p.name, " coat{1}")',
    seed: [
      { id: '6875157296', name: 'Tecozow coat', category: 'winter-coats' },
      { id: '8286303747', name: 'Bladnick coat', category: 'winter-coats' },
      { id: '8739627712', name: 'Anidin heavy jacket', category: 'winter-coats' },
    ],
    result: ['Tecozow coat', 'Bladnick coat'],
  },
  {
    name: 'replace',
    validated: true,
    query: 'SELECT VALUE {\n    replaceSubstring: REPLACE("AdventureWorksLT", "LT", "LT2")\n}',
    result: [{ replaceSubstring: 'AdventureWorksLT2' }],
  },
  {
    name: 'replicate',
    validated: true,
    query: 'SELECT VALUE {\n    catchPhrase: REPLICATE("Cosmic", 3)\n}',
    result: [{ catchPhrase: 'CosmicCosmicCosmic' }],
  },
  {
    name: 'reverse',
    validated: true,
    query:
      'SELECT VALUE {\n    reverseAdventureWorks: REVERSE("AdventureWorks"),\n    reverseAdventureWorksBack: REVERSE("skroWerutnevdA"),\n    doubleReverseAdventureWorks: REVERSE(REVERSE("AdventureWorks"))\n}',
    result: [
      {
        reverseAdventureWorks: 'skroWerutnevdA',
        reverseAdventureWorksBack: 'AdventureWorks',
        doubleReverseAdventureWorks: 'AdventureWorks',
      },
    ],
  },
  {
    name: 'right',
    validated: true,
    query:
      'SELECT VALUE {\n    lastZero: RIGHT("AdventureWorks", 0),\n    lastOne: RIGHT("AdventureWorks", 1),\n    lastFive: RIGHT("AdventureWorks", 5),\n    fullLength: RIGHT("AdventureWorks", LENGTH("AdventureWorks")),\n    beyondMaxLength: RIGHT("AdventureWorks", 100)\n}',
    result: [
      {
        lastZero: '',
        lastOne: 's',
        lastFive: 'Works',
        fullLength: 'AdventureWorks',
        beyondMaxLength: 'AdventureWorks',
      },
    ],
  },
  {
    name: 'round',
    validated: true,
    query:
      'SELECT VALUE {\n    roundTwoPointFour: ROUND(2.4),\n    roundTwoPointSix: ROUND(2.6),\n    roundTwoPointFive: ROUND(2.5),\n    roundNegativeTwoPointFour: ROUND(-2.4),\n    roundNegativeTwoPointSix: ROUND(-2.6)\n}',
    result: [
      {
        roundTwoPointFour: 2,
        roundTwoPointSix: 3,
        roundTwoPointFive: 3,
        roundNegativeTwoPointFour: -2,
        roundNegativeTwoPointSix: -3,
      },
    ],
  },
  {
    name: 'rtrim',
    validated: true,
    query:
      'SELECT VALUE {\n    whitespaceStart: RTRIM("  AdventureWorks"), \n    whitespaceStartEnd: RTRIM("  AdventureWorks  "), \n    whitespaceEnd: RTRIM("AdventureWorks  "), \n    noWhitespace: RTRIM("AdventureWorks"),\n    trimSuffix: RTRIM("AdventureWorks", "Works"),\n    trimPrefix: RTRIM("AdventureWorks", "Adventure"),\n    trimEntireTerm: RTRIM("AdventureWorks", "AdventureWorks"),\n    trimEmptyString: RTRIM("AdventureWorks", "")\n}',
    result: [
      {
        whitespaceStart: '  AdventureWorks',
        whitespaceStartEnd: '  AdventureWorks',
        whitespaceEnd: 'AdventureWorks',
        noWhitespace: 'AdventureWorks',
        trimSuffix: 'Adventure',
        trimPrefix: 'AdventureWorks',
        trimEntireTerm: '',
        trimEmptyString: 'AdventureWorks',
      },
    ],
  },
  { name: 'select', validated: true, query: 'SELECT "Adventure", "Works"', result: [{ $1: 'Adventure', $2: 'Works' }] },
  {
    name: 'select-fields',
    validated: true,
    query:
      'SELECT VALUE {\n    name: e.identity.name,\n    team: e.team,\n    phone: e.contact[0]\n}\nFROM\n    employees e\nWHERE\n    e.team = "Field sales"',
    seed: [
      { id: '3834754693', team: 'Field sales', identity: { name: 'Parker McLean' }, contact: ['206-555-0147'] },
      { id: '6099791965', team: 'Field sales', identity: { name: 'Beibit Shayakhmet' }, contact: ['206-555-0178'] },
    ],
    result: [
      { name: 'Parker McLean', team: 'Field sales', phone: '206-555-0147' },
      { name: 'Beibit Shayakhmet', team: 'Field sales', phone: '206-555-0178' },
    ],
  },
  {
    name: 'select-json',
    validated: true,
    query: 'SELECT {\n    department: "Sales",\n    team: "Field sales"\n}',
    result: [{ $1: { department: 'Sales', team: 'Field sales' } }],
  },
  { name: 'select-value', validated: true, query: 'SELECT VALUE "Sales"', result: ['Sales'] },
  {
    name: 'select-value-json',
    validated: true,
    query: 'SELECT VALUE {\n    department: "Sales",\n    team: "Field sales"\n}',
    result: [{ department: 'Sales', team: 'Field sales' }],
  },
  {
    name: 'setintersect',
    validated: false,
    query:
      'SELECT VALUE {\n    simpleIntersect: SetIntersect([1, 2, 3, 4], [3, 4, 5, 6]),\n    emptyIntersect: SetIntersect([1, 2, 3, 4], []),\n    duplicatesIntersect: SetIntersect([1, 2, 3, 4], [1, 1, 1, 1]),\n    noMatchesIntersect: SetIntersect([1, 2, 3, 4], ["A", "B"]),\n    unorderedIntersect: SetIntersect([1, 2, "A", "B"], ["A", 1])\n}',
    result: [
      {
        simpleIntersect: [3, 4],
        emptyIntersect: [],
        duplicatesIntersect: [1],
        noMatchesIntersect: [],
        unorderedIntersect: ['A', 1],
      },
    ],
  },
  {
    name: 'setintersect-field',
    validated: false,
    query:
      'SELECT\n    p.name,\n    SetIntersect(p.colors, p.inStockColors) AS availableColors\nFROM\n    products p\nWHERE\n    p.category = "modern-vests"',
    seed: [
      {
        id: '5688704115',
        name: 'Snowilla vest',
        inStockColors: ['Rhino', 'Finch'],
        colors: ['Finch', 'Mine Shaft', 'Rhino'],
        category: 'modern-vests',
      },
    ],
    result: [{ name: 'Snowilla vest', availableColors: ['Rhino', 'Finch'] }],
  },
  {
    name: 'setunion',
    validated: false,
    query:
      'SELECT VALUE {\n    simpleUnion: SetUnion([1, 2, 3, 4], [3, 4, 5, 6]),\n    emptyUnion: SetUnion([1, 2, 3, 4], []),\n    duplicatesUnion: SetUnion([1, 2, 3, 4], [1, 1, 1, 1]),\n    unorderedUnion: SetUnion([1, 2, "A", "B"], ["A", 1])\n}',
    result: [
      {
        simpleUnion: [1, 2, 3, 4, 5, 6],
        emptyUnion: [1, 2, 3, 4],
        duplicatesUnion: [1, 2, 3, 4],
        unorderedUnion: [1, 2, 'A', 'B'],
      },
    ],
  },
  {
    name: 'setunion-field',
    validated: false,
    query:
      'SELECT\n    p.name,    \n    SetUnion(p.colors[0].values, p.colors[1].values) AS allColors\nFROM\n    products p\nWHERE\n    p.category = "seasonal-coats"',
    seed: [
      {
        id: '7799732288',
        name: 'Malsca coat',
        category: 'seasonal-coats',
        colors: [
          { season: 'Winter', values: ['Cutty Sark', 'Horizon', 'Russet', 'Fuscous'] },
          { season: 'Summer', values: ['Fuscous', 'Horizon', 'Tacha'] },
        ],
      },
    ],
    result: [{ name: 'Malsca coat', allColors: ['Cutty Sark', 'Horizon', 'Russet', 'Fuscous', 'Tacha'] }],
  },
  {
    name: 'sign',
    validated: true,
    query:
      'SELECT VALUE {\n    signNegativeTwo: SIGN(-2),\n    signNegativeOne: SIGN(-1),\n    signZero: SIGN(0),\n    signOne: SIGN(1),\n    signTwo: SIGN(2)\n}',
    result: [{ signNegativeTwo: -1, signNegativeOne: -1, signZero: 0, signOne: 1, signTwo: 1 }],
  },
  {
    name: 'sin',
    validated: true,
    query: 'SELECT VALUE {\n    sine: SIN(45.175643)\n}',
    result: [{ sine: 0.929607286611012 }],
  },
  {
    name: 'sqrt',
    validated: true,
    query:
      'SELECT VALUE {\n    sqrtZero: SQRT(0),\n    sqrtOne: SQRT(1),\n    sqrtFour: SQRT(4),\n    sqrtPrime: SQRT(17),\n    sqrtTwentyFive: SQRT(25)\n}',
    result: [{ sqrtZero: 0, sqrtOne: 1, sqrtFour: 2, sqrtPrime: 4.123105625617661, sqrtTwentyFive: 5 }],
  },
  {
    name: 'square',
    validated: true,
    query:
      'SELECT VALUE {\n    squareZero: SQUARE(0),\n    squareOne: SQUARE(1),\n    squareTwo: SQUARE(2),\n    squareThree: SQUARE(3),\n    squareNull: SQUARE(null)\n}',
    result: [{ squareZero: 0, squareOne: 1, squareTwo: 4, squareThree: 9 }],
  },
  {
    name: 'startswith',
    validated: true,
    query:
      'SELECT VALUE {\n    startsWithWrongPrefix: STARTSWITH("AdventureWorks", "Works"),\n    startsWithCorrectPrefix: STARTSWITH("AdventureWorks", "Adventure"),\n    startsWithPrefixWrongCase: STARTSWITH("AdventureWorks", "adventure"),\n    startsWithPrefixCaseInsensitive: STARTSWITH("AdventureWorks", "adventure", true)\n}',
    result: [
      {
        startsWithWrongPrefix: false,
        startsWithCorrectPrefix: true,
        startsWithPrefixWrongCase: false,
        startsWithPrefixCaseInsensitive: true,
      },
    ],
  },
  {
    name: 'stringequals',
    validated: true,
    query:
      'SELECT VALUE {\n    compareSameCase: STRINGEQUALS("AdventureWorks", "AdventureWorks"),\n    compareDifferentCase: STRINGEQUALS("AdventureWorks", "adventureworks"),\n    compareIgnoreCase: STRINGEQUALS("AdventureWorks", "adventureworks", true)\n}',
    result: [{ compareSameCase: true, compareDifferentCase: false, compareIgnoreCase: true }],
  },
  {
    name: 'stringtoarray',
    validated: true,
    query:
      'SELECT VALUE {\n    parseEmptyArray: StringToArray("[]"),\n    parseArray: StringToArray(\'[ "coats", "gloves", "hats" ]\'),\n    complexArray: StringToArray(\'[ { "types": [ "coats", "gloves" ] }, [ "hats" ], 76, false, null ]\'),\n    nestedArray: StringToArray(\'[ [ "coats", "gloves" ], [ "hats" ] ]\'),\n    invalidArray: StringToArray("[ \'coats\', \'gloves\', \'hats\' ]"),\n    parseUndefined: StringToArray(undefined),\n    parseNull: StringToArray(null)\n}',
    result: [
      {
        parseEmptyArray: [],
        parseArray: ['coats', 'gloves', 'hats'],
        complexArray: [{ types: ['coats', 'gloves'] }, ['hats'], 76, false, null],
        nestedArray: [['coats', 'gloves'], ['hats']],
      },
    ],
  },
  {
    name: 'stringtoboolean',
    validated: true,
    query:
      'SELECT VALUE {\n    parseBooleanString: StringToBoolean("true"),\n    parseWithPrefix: StringToBoolean("true  "),\n    parseWithSuffix: StringToBoolean("  false"),\n    parseWithWhitespace: StringToBoolean("  false  "),\n    parseBoolean: StringToBoolean(true),\n    parseUndefined: StringToBoolean(undefined),\n    parseNull: StringToBoolean(null)\n}',
    result: [{ parseBooleanString: true, parseWithPrefix: true, parseWithSuffix: false, parseWithWhitespace: false }],
  },
  {
    name: 'stringtonull',
    validated: true,
    query:
      'SELECT VALUE {\n    parseNullString: StringToNull("null"),\n    parseWithPrefix: StringToNull("null  "),\n    parseWithSuffix: StringToNull("  null"),\n    parseWithWhitespace: StringToNull("  null  "),\n    parseUppercase: StringToNull("NULL"),\n    parseTitlecase: StringToNull("Null"),\n    parseNull: StringToNull(null),\n    parseUndefined: StringToNull(undefined)\n}',
    result: [{ parseNullString: null, parseWithPrefix: null, parseWithSuffix: null, parseWithWhitespace: null }],
  },
  {
    name: 'stringtonumber',
    validated: true,
    query:
      'SELECT VALUE {\n    parseIntegerString: StringToNumber("100"), \n    parseDecimalString: StringToNumber("3.14"),\n    parseWithWhitespace: StringToNumber("   60   "), \n    parseScientific: StringToNumber("-1.79769e+308"),\n    parseInvalid: StringToNumber("Hello"),\n    parseUndefined: StringToNumber(undefined),\n    parseNull: StringToNumber(null),\n    parseNaN: StringToNumber(NaN),\n    parseInfinity: StringToNumber(Infinity)\n}',
    result: [
      { parseIntegerString: 100, parseDecimalString: 3.14, parseWithWhitespace: 60, parseScientific: -1.79769e308 },
    ],
  },
  {
    name: 'stringtoobject',
    validated: true,
    query:
      'SELECT VALUE {\n    parseEmptyObject: StringToObject("{}"),\n    parseObjectWithProperty: StringToObject(\'{"isAvailable": true}\'),\n    parseObjectNested: StringToObject(\'{"division": {"name": "Sales"}}\'),\n    parseObjectInvalidJson: StringToObject("{\'price\': 27.55}"),\n    parseUndefined: StringToNumber(undefined),\n    parseNull: StringToNumber(null)\n}',
    result: [
      {
        parseEmptyObject: {},
        parseObjectWithProperty: { isAvailable: true },
        parseObjectNested: { division: { name: 'Sales' } },
      },
    ],
  },
  {
    name: 'substring',
    validated: true,
    query:
      'SELECT VALUE {\n    substringPrefix: SUBSTRING("AdventureWorks", 0, 9),\n    substringSuffix: SUBSTRING("AdventureWorks", 9, 5),\n    substringTotalLength: SUBSTRING("AdventureWorks", 0, LENGTH("AdventureWorks")),\n    substringEmptyString: SUBSTRING("AdventureWorks", 0, -1)\n}',
    result: [
      {
        substringPrefix: 'Adventure',
        substringSuffix: 'Works',
        substringTotalLength: 'AdventureWorks',
        substringEmptyString: '',
      },
    ],
  },
  {
    name: 'sum',
    validated: true,
    query: 'SELECT VALUE\n    SUM(p.quantity)\nFROM \n    products p\nWHERE\n    p.category = "hiking-bags"',
    seed: [
      { id: '6934271175', name: 'Cosmoxy pack', quantity: 35, category: 'hiking-bags' },
      { id: '1899728849', name: 'Heliont pack', category: 'hiking-bags' },
      { id: '9468832354', name: 'Immery bag', quantity: 15, category: 'hiking-bags' },
    ],
    result: [50],
  },
  {
    name: 'tan',
    validated: true,
    query: 'SELECT VALUE {\n    tangentSquareRootPi: TAN(PI()/2),\n    tangentArbitraryNumber: TAN(124.1332)\n}',
    result: [{ tangentSquareRootPi: 16331239353195370, tangentArbitraryNumber: -24.80651023035602 }],
  },
  {
    name: 'tickstodatetime',
    validated: true,
    query:
      'SELECT VALUE {\n    parseTicks: TicksToDateTime(15973607943002652),\n    parseUnixEpoch: TicksToDateTime(0),\n    parseWindowsEpoch: TicksToDateTime(-116444736000000000)\n}',
    result: [
      {
        parseTicks: '2020-08-13T23:19:54.3002652Z',
        parseUnixEpoch: '1970-01-01T00:00:00.0000000Z',
        parseWindowsEpoch: '1601-01-01T00:00:00.0000000Z',
      },
    ],
  },
  {
    name: 'timestamptodatetime',
    validated: true,
    query:
      'SELECT VALUE {\n    parseTicks: TimestampToDateTime(1597360794300),\n    parseUnixEpoch: TimestampToDateTime(0),\n    parseWindowsEpoch: TimestampToDateTime(-11644473600000)\n}',
    result: [
      {
        parseTicks: '2020-08-13T23:19:54.3000000Z',
        parseUnixEpoch: '1970-01-01T00:00:00.0000000Z',
        parseWindowsEpoch: '1601-01-01T00:00:00.0000000Z',
      },
    ],
  },
  {
    name: 'tostring',
    validated: true,
    query:
      'SELECT VALUE {\n    integerToString: ToString(125),\n    floatToString: ToString(0.1234),\n    booleanToString: ToString(false),\n    arrayToString: ToString([ 1, 2, 3 ]),\n    objectToString: ToString({ "department": "Bicycles" }),\n    stringToString: ToString("Hello World"),\n    undefinedToString: ToString(undefined),\n    notANumberToString: ToString(NaN),\n    infinityToString: ToString(Infinity)\n}',
    result: [
      {
        integerToString: '125',
        floatToString: '0.1234',
        booleanToString: 'false',
        arrayToString: '[1,2,3]',
        objectToString: '{"department":"Bicycles"}',
        stringToString: 'Hello World',
        notANumberToString: 'NaN',
        infinityToString: 'Infinity',
      },
    ],
  },
  {
    name: 'trim',
    validated: true,
    query:
      'SELECT VALUE {\n    trimPrefix: TRIM("   AdventureWorks"),\n    trimSuffix: TRIM("AdventureWorks   "),\n    trimWhitespace: TRIM("   AdventureWorks   "),\n    trimWrongCharacter: TRIM("---AdventureWorks---"),\n    trimUnderscores: TRIM("___AdventureWorks___", "_"),\n    trimHyphens: TRIM("---AdventureWorks---", "-"),\n    trimSubsetCharacters: TRIM("-- AdventureWorks --", "-"),\n    trimMultipleCharacters: TRIM("-_-AdventureWorks-_-", "-_")\n}',
    result: [
      {
        trimPrefix: 'AdventureWorks',
        trimSuffix: 'AdventureWorks',
        trimWhitespace: 'AdventureWorks',
        trimWrongCharacter: '---AdventureWorks---',
        trimUnderscores: 'AdventureWorks',
        trimHyphens: 'AdventureWorks',
        trimSubsetCharacters: ' AdventureWorks ',
        trimMultipleCharacters: 'AdventureWorks',
      },
    ],
  },
  {
    name: 'trunc',
    validated: true,
    query:
      'SELECT VALUE {\n    truncateFloatingPoint: TRUNC(2.37),\n    truncateNegative: TRUNC(-2.78),\n    truncateInteger: TRUNC(2),\n    truncateSmallNumber: TRUNC(0.0000714),\n    truncatePi: TRUNC(PI())\n}',
    result: [
      { truncateFloatingPoint: 2, truncateNegative: -2, truncateInteger: 2, truncateSmallNumber: 0, truncatePi: 3 },
    ],
  },
  {
    name: 'upper',
    validated: true,
    query:
      'SELECT VALUE {\n    lowercase: UPPER("adventureworks"),\n    uppercase: UPPER("ADVENTUREWORKS"),\n    camelCase: UPPER("adventureWorks"),\n    pascalCase: UPPER("AdventureWorks"),\n    upperSnakeCase: UPPER("ADVENTURE_WORKS")\n}',
    result: [
      {
        lowercase: 'ADVENTUREWORKS',
        uppercase: 'ADVENTUREWORKS',
        camelCase: 'ADVENTUREWORKS',
        pascalCase: 'ADVENTUREWORKS',
        upperSnakeCase: 'ADVENTURE_WORKS',
      },
    ],
  },
  {
    name: 'where',
    validated: true,
    query:
      'SELECT VALUE {\n    employeeName: e.name,\n    currentTeam: e.team\n}\nFROM\n    employees e\nWHERE\n    e.team = "Hospitality"',
    seed: [
      { id: '9088760876', name: 'Jordan Mitchell', team: 'Hospitality' },
      { id: '4482760136', name: 'Ashley Schroeder', team: 'Hospitality' },
      { id: '7911848835', name: 'Tomas Richardson', team: 'Hospitality' },
    ],
    result: [
      { employeeName: 'Jordan Mitchell', currentTeam: 'Hospitality' },
      { employeeName: 'Ashley Schroeder', currentTeam: 'Hospitality' },
      { employeeName: 'Tomas Richardson', currentTeam: 'Hospitality' },
    ],
  },
  {
    name: 'where-field',
    validated: true,
    query:
      'SELECT VALUE {\n    employeeName: e.name,\n    isPartTime: e.partTime\n}\nFROM\n    employees e\nWHERE\n    e.partTime\n    AND e.team = "Facilities"',
    seed: [
      { id: '7955766483', name: 'Riley Ramirez', partTime: true, team: 'Facilities' },
      { id: '9540450934', name: 'Cora Thomas', partTime: false, team: 'Facilities' },
      { id: '3089581802', name: 'Caleb Foster', partTime: true, team: 'Facilities' },
    ],
    result: [
      { employeeName: 'Riley Ramirez', isPartTime: true },
      { employeeName: 'Caleb Foster', isPartTime: true },
    ],
  },
  {
    name: 'where-scalar',
    validated: true,
    query:
      'SELECT VALUE {\n    employeeName: e.name,\n    vacationDaysRemaining: e.vacationDays\n}\nFROM\n    employees e\nWHERE\n    e.vacationDays >= 7\n    AND e.team = "Software engineering"',
    seed: [
      { id: '3739792186', name: 'Ana Bowman', vacationDays: 10, team: 'Software engineering' },
      { id: '2956300999', name: 'Madison Butler', vacationDays: 7, team: 'Software engineering' },
      { id: '7669068854', name: 'Casey Jensen', vacationDays: 6, team: 'Software engineering' },
    ],
    result: [
      { employeeName: 'Ana Bowman', vacationDaysRemaining: 10 },
      { employeeName: 'Madison Butler', vacationDaysRemaining: 7 },
    ],
  },
];
