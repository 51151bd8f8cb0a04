// Package listings brings courses, training centres and vacancies in: the importer of
// the agencies' files (JSON or CSV) and the pull from the national vacancy base
// (ish.mehnat.uz). Both validate every record, write through azizayol.ListingTx and
// upsert by the source's own id, so running them again changes nothing that did not
// change at the source.
//
// # The file format
//
// Every record has an id: the agency's own, stable id of the row (a spreadsheet row
// number is not one). Together with the import's source name (Options.Source: one per
// agency or feed) it is the key a re-import updates by.
//
// JSON holds any of the three kinds in one file:
//
//	{
//	  "centres": [
//	    {"id": "C-1", "name": "Ishga marhamat mono-markazi", "region": "1703", "district": "1703202",
//	     "address": "Andijon sh., Navoiy ko'chasi 5", "phone": "+998 74 223 45 67", "lat": 40.78, "lon": 72.34}
//	  ],
//	  "courses": [
//	    {"id": "K-1", "centre": "C-1", "name": "Tikuvchilik", "field": "sewing", "region": "1703",
//	     "district": "1703202", "address": "", "starts": "2026-12-01", "ends": "2027-02-28", "hours": 144,
//	     "cost": 0, "phone": "+998 74 223 45 67", "enrol": "Pasport bilan markazga keling", "online": false}
//	  ],
//	  "vacancies": [
//	    {"id": "V-1", "title": "Tikuvchi", "employer": "Andijon tekstil MChJ", "salary_min": 3000000,
//	     "salary_max": 4500000, "schedule": "5/2, 8:00-17:00", "address": "Andijon sh.", "contact": "+998901234567",
//	     "field": "sewing", "region": "1703", "district": "1703202", "posted": "2026-11-20", "expires": "2026-12-31"}
//	  ]
//	}
//
// CSV holds one kind (Options.Kind), with a header row naming the columns, in any
// order, with the same names as the JSON keys; a column may be left out when it is
// not required. Values are UTF-8; a cell may be empty. Rows are numbered as a
// spreadsheet shows them: the header is row 1.
//
// Columns, required ones marked *:
//
//	centres:   id*, name*, region*, district, address, phone, lat, lon
//	courses:   id*, name*, centre, field, region* (not for online courses), district, address,
//	           starts, ends, hours, cost, phone, enrol, online, lat, lon
//	vacancies: id*, title*, employer*, region*, district, salary_min, salary_max, schedule,
//	           address, contact, field, posted*, expires, lat, lon
//
// region and district are SOATO codes (1703, 1703202); the district must lie in the
// region. field is one of azizayol.Fields. Dates are 2026-12-01 or 01.12.2026
// (Tashkent dates); a course is listed until the end of its ends day, a vacancy until
// the start of its expires day. hours, cost (so'm, 0 is free) and salaries (so'm a
// month; 0 is "not said") are whole numbers; online is true or false (also 1/0,
// ha/yo'q); lat and lon come together. centre is the id of a centre of the same
// source: in the same file or imported before. A phone that reads as an Uzbek number
// is stored as +998XXXXXXXXX.
//
// An import is one transaction. A file with an invalid row imports nothing and
// reports every invalid row with its number and the reason; with Options.SkipInvalid
// it imports the valid rows and reports the others.
package listings
