package main

// readmeTemplate is testdata/sample/README.md; readme fills in the {{…}} counts.
const readmeTemplate = "# Sample data\n\n" +
	"Made-up leads for a Spanish call center and the do-not-call lists to scrub\n" +
	"them against: a demo of `dncctl`, and a fixture whose expected result is known.\n" +
	"Every number, name and address is invented; the e-mail domains are the reserved\n" +
	"`example.*` ones.\n\n" +
	"**Do not edit these files.** They are written by `cmd/gensample` from a fixed\n" +
	"seed, and `go test ./cmd/gensample` fails if they differ from what it writes.\n" +
	"To change them, change the generator and run\n\n" +
	"    go generate ./cmd/gensample      # or: make sample\n\n" +
	"## Files\n\n" +
	"| file | what it holds |\n|---|---|\n" +
	"| `leads.csv` | {{csv}} leads, UTF-8, comma-separated; header `lead_id,nombre,ciudad,teléfono,email,fecha_alta` |\n" +
	"| `leads.xlsx` | {{xlsx}} other leads in an Excel workbook; header `Lead ID, Name, City, Mobile, Email, Created`. {{numeric}} Mobile cells are numbers (`612345678`, `34612345678`), the others text or empty; Created holds dates |\n" +
	"| `optouts.txt` | {{optout}} numbers opted out of every channel, one a line |\n" +
	"| `optouts-sms.txt` | {{sms}} numbers opted out of SMS only: they are in the leads and stay callable in a voice campaign |\n" +
	"| `blacklist.csv` | {{black}} blacklisted numbers, `phone,note` |\n" +
	"| `whitelist.csv` | {{white}} priority customers, `phone,tag` |\n" +
	"| `expected.json` | what the scrubs below must report |\n\n" +
	"The leads are mostly Spanish, with Chinese and US numbers, written as people\n" +
	"write them: `612 345 678`, `612-345-678`, `91 234 56 78`, `+34 612 345 678`,\n" +
	"`0034 612345678`, `(+34) 612.345.678`, `+34 (0) 612 345 678`, `34612345678`,\n" +
	"`+86 138 0013 8000`, `0086 139 0013 9000`, `+86-13800138000`, `+86 10 1234 5678`,\n" +
	"`+1 (415) 555-2671`, `001 212 555 0123`. Spanish numbers may lack the country\n" +
	"code (hence `--region ES`); Chinese and US numbers always carry it.\n\n" +
	"Built in on purpose:\n\n" +
	"- empty phone cells (one holds only spaces): `NO_PHONE`;\n" +
	"- junk (`n/a`, `llamar tarde`, `123`, Spanish numbers with a digit too few or\n" +
	"  too many): `INVALID_NUMBER`;\n" +
	"- opted-out and blacklisted numbers, some on two rows in different notations:\n" +
	"  every row is rejected with the list's reason, never as `DUPLICATE`;\n" +
	"- one number both blacklisted and opted out (reported `BLACKLISTED`), and one\n" +
	"  both whitelisted and opted out (reported `OPTED_OUT`: the opt-out wins);\n" +
	"- repeats of clean numbers, mostly in another notation: `DUPLICATE`;\n" +
	"- {{cross}} leads of `leads.xlsx` are clean numbers of `leads.csv`: clean when\n" +
	"  `leads.xlsx` is scrubbed alone, `DUPLICATE` when both files are scrubbed in one run.\n\n" +
	"## Try it\n\n" +
	"From the repository root, with a throwaway store rather than your real one\n" +
	"(`make demo` does the same in `demo/`, then scrubs both files in one run):\n\n" +
	"    export DNCCTL_DB=$(mktemp -d)/demo.db\n" +
	"    dncctl optout import testdata/sample/optouts.txt --region ES\n" +
	"    dncctl optout import testdata/sample/optouts-sms.txt --region ES --channel sms\n" +
	"    dncctl blacklist import testdata/sample/blacklist.csv --region ES\n" +
	"    dncctl whitelist import testdata/sample/whitelist.csv --region ES --tag vip\n\n" +
	"Then scrub for a voice campaign (the default channel), each file alone and\n" +
	"both in one run (give `--out-dir`, or the outputs land in this directory):\n\n" +
	"    dncctl scrub testdata/sample/leads.csv --region ES --out-dir /tmp/demo/csv --summary-json /tmp/demo/csv/summary.json\n" +
	"    dncctl scrub testdata/sample/leads.xlsx --region ES --out-dir /tmp/demo/xlsx --summary-json /tmp/demo/xlsx/summary.json\n" +
	"    dncctl scrub testdata/sample/leads.csv testdata/sample/leads.xlsx --region ES --out-dir /tmp/demo/both --summary-json /tmp/demo/both/summary.json\n\n" +
	"## Expected result\n\n" +
	"`rows_read`, `rows_clean`, `rows_rejected` and `reasons` of each summary must\n" +
	"match `expected.json` (`combined` is the run of both files, totals):\n\n" +
	"{{table}}\n" +
	"The counts are worked out by the generator from what it put in each row, not\n" +
	"by running `dncctl`.\n"
