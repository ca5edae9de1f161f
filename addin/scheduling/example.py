"""``backoffice config example``: a complete, commented organisation configuration.

Every section of :class:`~addin.settings.OrgConfig` is here with its default
or a realistic value, so that a user can start from it; ``backoffice config
check`` accepts it as printed (a test makes sure).
"""

from __future__ import annotations

EXAMPLE_CONFIG = '''\
# backoffice: the organisation configuration.
#
# Check it with:   backoffice config check org.toml
# Use it with:     backoffice validate --config org.toml ...   (or set BACKOFFICE_CONFIG)
#
# Every setting has a default: delete what you do not need to change. Relative
# paths are taken from the folder of this file. Environment variables override
# the file: BACKOFFICE_<SECTION>__<SETTING>, e.g. BACKOFFICE_PAYROLL__OVERTIME_MULTIPLIER=2.

[organisation]
name = "Example Organisation"
reporting_currency = "USD"    # the report's currency; amounts in others are converted with [rates]
due_day = 5                   # a period's workbooks are due on this day of the following month (1-28)
inbox = "inbox"               # where departments submit their workbooks
reports = "reports"           # where reports are written
min_group_size = 3            # payroll groups smaller than this are not shown (privacy)

# The departments expected to submit a workbook every period.
# code: 2 to 10 capitals, digits or dashes; currency: the ISO code of the
# workbook's amounts; expected = false: welcome, but not chased when missing.
[[departments]]
code = "FIN"
name = "Finance"
currency = "USD"

[[departments]]
code = "HR"
name = "Human Resources"
currency = "USD"

[[departments]]
code = "ADMIN"
name = "Administration"

[[departments]]
code = "IT"
name = "IT"

[[departments]]
code = "OPS"
name = "Operations (Ho Chi Minh City)"
currency = "VND"

[[departments]]
code = "PROC"
name = "Procurement (Shanghai)"
currency = "CNY"

[[departments]]
code = "FAC"
name = "Facilities"
expected = false

# Exchange rates, per period ("YYYY-MM"): units of the currency for one unit of
# the reporting currency, as rates are quoted (USD/VND 25,400 -> VND = 25400).
# A department whose currency has no rate for the period is left out of the
# report, with the reason given. Quote decimals to keep them exact.
[rates."2026-10"]
VND = "25400"
CNY = "7.12"

[rates."2026-11"]
VND = "25350"
CNY = "7.10"

[payroll]
standard_monthly_hours = 160  # hours in a standard month, for the hourly rate of overtime
overtime_multiplier = 1.5     # overtime hours are paid at the hourly rate times this
# Progressive monthly income tax for currencies without their own brackets
# (amounts in the department's currency): income up to up_to is taxed at rate;
# the last bracket has no up_to. Limits must increase.
tax_brackets = [
    { up_to = 1000, rate = "0" },
    { up_to = 4000, rate = "0.10" },
    { up_to = 10000, rate = "0.20" },
    { rate = "0.30" },
]

# Brackets for particular currencies. Writing this table replaces the built-in
# ones (VND and CNY), so keep every currency you need.
[payroll.tax_brackets_by_currency]
VND = [
    { up_to = 5000000, rate = "0.05" },
    { up_to = 10000000, rate = "0.10" },
    { up_to = 18000000, rate = "0.15" },
    { up_to = 32000000, rate = "0.20" },
    { up_to = 52000000, rate = "0.25" },
    { up_to = 80000000, rate = "0.30" },
    { rate = "0.35" },
]
CNY = [
    { up_to = 3000, rate = "0.03" },
    { up_to = 12000, rate = "0.10" },
    { up_to = 25000, rate = "0.20" },
    { up_to = 35000, rate = "0.25" },
    { up_to = 55000, rate = "0.30" },
    { up_to = 80000, rate = "0.35" },
    { rate = "0.45" },
]

# Checked before a workbook is read; a file over any limit is refused.
[limits]
max_file_bytes = 209715200          # 200 MB
max_uncompressed_bytes = 2147483648 # 2 GB once unzipped
max_compression_ratio = 200         # a part more compressed than this is a zip bomb
max_cells_per_sheet = 20000000

# Passwords for encrypted workbooks, by file name pattern. Better kept out of
# this file: BACKOFFICE_PASSWORDS='{"HR_*.xlsx": "..."}' in the environment.
[passwords]
# "HR_*.xlsx" = "the password"

# Scheduled consolidations, run by `backoffice schedule run` (or `--once` from
# cron, a systemd timer or the Windows Task Scheduler).
#   name      names the job in logs and in the history (letters, digits, . _ -)
#   inbox     the folder of workbooks to consolidate
#   report    the report's path; {period} becomes 2026-10, {date} the slot's date 2026-11-01
#   period    "previous-month" or "current-month", seen from the slot's date
#   timing    { every = "minutes", interval = 30 }
#             { every = "day", at = "06:00" }
#             { every = "week", weekday = "monday", at = "07:30" }
#             { every = "month", day = 1, at = "06:00" }   (day 29-31: the last day of shorter months)
# A slot runs at most once. A failed run is tried again `attempts` times in all,
# after retry_delay_seconds, doubling each time; an attempt longer than
# timeout_minutes is stopped. Missed while the scheduler was not running: run
# once at start, unless older than grace_minutes.
[[jobs]]
name = "month-end"
inbox = "inbox"
report = "reports/{period}/consolidated-{period}.xlsx"
period = "previous-month"
timing = { every = "month", day = 1, at = "06:00" }
attempts = 3
retry_delay_seconds = 300
timeout_minutes = 60
grace_minutes = 4320          # three days: a month-end report is worth running late
payroll_detail = false        # true: include the per-employee payroll sheet
# on_failure = 'mail -s "backoffice: $BACKOFFICE_JOB failed" finance@example.org <<< "$BACKOFFICE_ERROR"'

[[jobs]]
name = "weekly"
inbox = "inbox"
report = "reports/weekly/consolidated-{date}.xlsx"
period = "current-month"
timing = { every = "week", weekday = "monday", at = "07:30" }

[[jobs]]
name = "daily"
inbox = "inbox"
report = "reports/daily/consolidated-{date}.xlsx"
period = "current-month"
timing = { every = "day", at = "12:30" }

[[jobs]]
name = "month-end-draft"
inbox = "inbox"
report = "reports/{period}/draft-{date}.xlsx"
period = "current-month"
timing = { every = "month", day = 31, at = "18:00" }   # 30 April, 28 (29) February, ...
timezone = "Europe/Berlin"    # this job only; the others use [scheduler] timezone

[[jobs]]
name = "intraday"
enabled = false               # kept in the file, not scheduled
inbox = "inbox"
report = "reports/intraday/{date}.xlsx"
period = "current-month"
timing = { every = "minutes", interval = 30 }
timeout_minutes = 20

[scheduler]
timezone = "Europe/Berlin"    # IANA name for the jobs' times; leave out for this machine's zone
history = "backoffice-schedule.sqlite"   # run history (SQLite); its lock file goes beside it
log_file = "backoffice-schedule.log"     # rotating log, also written to stderr
log_max_bytes = 1000000
log_backups = 5
poll_seconds = 30             # longest sleep between two looks at the clock
grace_minutes = 1440          # missed slots older than this are recorded as skipped, not run
catch_up_after_minutes = 5    # found at start less late than this: an ordinary run, not a catch-up
shutdown_grace_seconds = 30   # on Ctrl-C/SIGTERM, how long a run in progress may take to finish
# A command run when a job fails for good, with BACKOFFICE_JOB, BACKOFFICE_ERROR,
# BACKOFFICE_SCHEDULED, BACKOFFICE_RUN_ID, BACKOFFICE_STATUS and BACKOFFICE_ATTEMPTS set:
# on_failure = 'curl -s -d "backoffice: $BACKOFFICE_JOB failed: $BACKOFFICE_ERROR" https://chat.example.org/hook'
'''
