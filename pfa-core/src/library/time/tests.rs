use std::sync::Arc;

use super::fields::*;
use super::make::make_timestamp;
use super::ranges::*;
use super::*;
use crate::library::testing::{err, ok};

fn d(x: f64) -> Value {
    Value::Double(x)
}

fn s(x: &str) -> Value {
    Value::String(Arc::from(x))
}

const CHI: &str = "America/Chicago";
const UTC: &str = "Etc/UTC";
/// 2015-07-04T12:34:56Z, a Saturday, day 185 of the year.
const JULY4: f64 = 1_436_013_296.0;

/// Calls a `(ts, zone) -> int` native and compares.
#[track_caller]
fn int_at(f: NativeFn, ts: f64, zone: &str, want: i32) {
    ok(f, &[d(ts), s(zone)], Value::Int(want));
}

#[test]
fn calendar_arithmetic_matches_jiff() {
    // Every day from 1 C.E. to 9999 C.E. in steps that visit all residues mod 400 years.
    let first = days_from_civil(1, 1, 1);
    let last = days_from_civil(9999, 12, 31);
    assert_eq!(first * 86_400, MIN_TS as i64);
    assert_eq!(last * 86_400 + 86_399, MAX_TS as i64);
    let mut day = first;
    while day <= last {
        let dt = jiff::tz::Offset::UTC.to_datetime(Timestamp::from_second(day * 86_400).unwrap());
        let (y, m, dd) = civil_from_days(day);
        assert_eq!(
            (y, m, dd),
            (dt.year().into(), dt.month().into(), dt.day().into()),
            "day {day}"
        );
        assert_eq!(days_from_civil(y, m, dd), day);
        let f = fields_of(day * 86_400);
        assert_eq!(f.day_of_year, i64::from(dt.day_of_year()), "day {day}");
        assert_eq!(
            f.day_of_week,
            i64::from(dt.weekday().to_monday_zero_offset()),
            "day {day}"
        );
        day += 97;
    }
    // Just outside the years 1 to 9999, where local times can fall.
    assert_eq!(civil_from_days(first - 1), (0, 12, 31));
    assert_eq!(civil_from_days(last + 1), (10000, 1, 1));
}

#[test]
fn fields_in_utc_and_chicago() {
    let cases: &[(NativeFn, f64, &str, i32)] = &[
        (year, 0.0, UTC, 1970),
        (year, 0.0, CHI, 1969),
        (year, 0.0, "", 1970),
        (year, -1e-5, UTC, 1969),
        (year, JULY4, UTC, 2015),
        (month_of_year, JULY4, UTC, 7),
        (month_of_year, 0.0, CHI, 12),
        (day_of_year, JULY4, UTC, 185),
        (day_of_year, 0.0, CHI, 365),
        (day_of_year, 978_220_800.0, UTC, 366),
        (day_of_year, 1_456_790_399.0, UTC, 60),
        (day_of_month, JULY4, UTC, 4),
        (day_of_month, 1_456_790_399.0, UTC, 29),
        (day_of_week, 0.0, UTC, 3),
        (day_of_week, 0.0, CHI, 2),
        (day_of_week, JULY4, UTC, 5),
        (day_of_week, JULY4 + 86_400.0, UTC, 6),
        (day_of_week, JULY4 + 2.0 * 86_400.0, UTC, 0),
        (hour_of_day, JULY4, UTC, 12),
        (hour_of_day, JULY4, CHI, 7),
        (hour_of_day, JULY4, "Asia/Kolkata", 18),
        (hour_of_day, 0.0, CHI, 18),
        (minute_of_hour, JULY4, UTC, 34),
        (minute_of_hour, JULY4, "Asia/Kolkata", 4),
        (second_of_minute, JULY4, UTC, 56),
        (second_of_minute, JULY4 + 0.999_99, UTC, 56),
        (second_of_minute, -0.5, UTC, 59),
        (second_of_minute, -1.0, UTC, 59),
        (second_of_minute, -1.000_01, UTC, 58),
        (minute_of_hour, -0.5, UTC, 59),
        (hour_of_day, -0.5, UTC, 23),
        (day_of_month, -0.5, UTC, 31),
    ];
    for &(f, ts, zone, want) in cases {
        int_at(f, ts, zone, want);
    }
}

#[test]
fn daylight_saving() {
    // Chicago: CST (-6) in January, CDT (-5) in July; the rules continue past 2037.
    int_at(hour_of_day, 1_420_113_600.0, CHI, 6); // 2015-01-01T12:00Z
    int_at(hour_of_day, JULY4, CHI, 7);
    // 2300-06-01T05:00Z is midnight CDT.
    int_at(hour_of_day, 10_426_856_400.0, CHI, 0);
    int_at(day_of_month, 10_426_856_400.0, CHI, 1);
    // Zone names are matched without regard to case, like the reference implementation.
    int_at(hour_of_day, JULY4, "america/chicago", 7);
    int_at(hour_of_day, JULY4, "UTC", 12);
    int_at(hour_of_day, JULY4, "US/Central", 7);
}

#[test]
fn extremes_of_the_range() {
    // In Chicago (local mean time, -5:50:36) the first instant is still in year 0.
    int_at(year, MIN_TS, UTC, 1);
    int_at(year, MIN_TS, CHI, 0);
    int_at(month_of_year, MIN_TS, CHI, 12);
    int_at(day_of_year, MIN_TS, CHI, 366);
    int_at(day_of_week, MIN_TS, UTC, 0);
    int_at(day_of_week, MIN_TS, CHI, 6);
    int_at(hour_of_day, MIN_TS, CHI, 18);
    int_at(minute_of_hour, MIN_TS, CHI, 9);
    int_at(second_of_minute, MIN_TS, CHI, 24);
    // The last instant, beyond jiff's last timestamp, and in year 10000 in Tokyo.
    int_at(year, MAX_TS, UTC, 9999);
    int_at(day_of_year, MAX_TS, UTC, 365);
    int_at(day_of_week, MAX_TS, UTC, 4);
    int_at(second_of_minute, MAX_TS, UTC, 59);
    int_at(year, MAX_TS, "Asia/Tokyo", 10000);
    int_at(hour_of_day, MAX_TS, "Asia/Tokyo", 8);
    int_at(day_of_week, MAX_TS, "Asia/Tokyo", 5);
    int_at(hour_of_day, MAX_TS, CHI, 17);
}

#[test]
fn field_errors() {
    let fns: &[(NativeFn, i32)] = &[
        (year, 40000),
        (month_of_year, 40010),
        (day_of_year, 40020),
        (day_of_month, 40030),
        (day_of_week, 40040),
        (hour_of_day, 40050),
        (minute_of_hour, 40060),
        (second_of_minute, 40070),
        (is_weekend, 40160),
        (is_work_hours, 40170),
    ];
    for &(f, base) in fns {
        let zone_err = (base, BAD_ZONE);
        let ts_err = (base + 1, BAD_TS);
        err(f, &[d(0.5), s("where/ever")], zone_err);
        err(f, &[d(0.5), s("Etc/Unknown")], zone_err);
        err(f, &[d(0.5), s(" UTC")], zone_err);
        err(f, &[d(MIN_TS - 1.0), s(UTC)], ts_err);
        err(f, &[d(MIN_TS - 1e-3), s(UTC)], ts_err);
        err(f, &[d(MAX_TS + 1.0), s(UTC)], ts_err);
        err(f, &[d(MAX_TS + 0.5), s(UTC)], ts_err);
        err(f, &[d(f64::INFINITY), s(CHI)], ts_err);
        err(f, &[d(f64::NEG_INFINITY), s(CHI)], ts_err);
        err(f, &[d(f64::NAN), s(CHI)], ts_err);
        // The timestamp is checked before the zone.
        err(f, &[d(f64::NAN), s("where/ever")], ts_err);
    }
}

#[test]
fn make_timestamp_values() {
    let mk = |y: i32, mo: i32, dd: i32, h: i32, mi: i32, sec: i32, ms: i32, z: &str| {
        vec![
            Value::Int(y),
            Value::Int(mo),
            Value::Int(dd),
            Value::Int(h),
            Value::Int(mi),
            Value::Int(sec),
            Value::Int(ms),
            s(z),
        ]
    };
    let cases: &[(Vec<Value>, f64)] = &[
        (mk(1970, 1, 1, 0, 0, 0, 0, ""), 0.0),
        (mk(1970, 1, 1, 0, 0, 0, 0, UTC), 0.0),
        (mk(1970, 1, 1, 0, 0, 0, 0, CHI), 21_600.0),
        (mk(2015, 7, 4, 12, 34, 56, 0, ""), JULY4),
        (
            mk(2015, 7, 4, 12, 34, 56, 0, "Asia/Kolkata"),
            1_435_993_496.0,
        ),
        (mk(2015, 7, 4, 7, 34, 56, 250, CHI), JULY4 + 0.25),
        (mk(2016, 2, 29, 23, 59, 59, 0, ""), 1_456_790_399.0),
        (mk(1969, 12, 31, 23, 59, 59, 999, ""), -0.001),
        (mk(1, 1, 1, 0, 0, 0, 0, ""), MIN_TS),
        (mk(9999, 12, 31, 23, 59, 59, 0, ""), MAX_TS),
        (mk(9999, 12, 31, 23, 59, 59, 999, ""), MAX_TS + 0.999),
        // Daylight saving indefinitely: June 2300 in Chicago is CDT.
        (mk(2300, 6, 1, 0, 0, 0, 0, CHI), 10_426_856_400.0),
        (mk(2300, 6, 1, 0, 0, 0, 999, CHI), 10_426_856_400.999),
        // Clocks set back: 01:30 occurs twice; the earlier (CDT) instant.
        (mk(2015, 11, 1, 1, 30, 0, 0, CHI), 1_446_359_400.0),
        // Clocks set forward: 02:30 does not occur; read as CST, i.e. 03:30 CDT.
        (mk(2015, 3, 8, 2, 30, 0, 0, CHI), 1_425_803_400.0),
    ];
    for (args, want) in cases {
        ok(make_timestamp, args, d(*want));
    }
}

#[test]
fn make_timestamp_errors() {
    let base = [2015, 11, 11, 11, 11, 11, 11];
    let zone_err = (40080, BAD_ZONE);
    let field_err = (40081, BAD_FIELDS);
    let call = |fields: [i32; 7], zone: &str| {
        let mut v: Vec<Value> = fields.iter().map(|&x| Value::Int(x)).collect();
        v.push(s(zone));
        v
    };
    err(make_timestamp, &call(base, "where/ever"), zone_err);
    // The zone is checked before the fields.
    err(
        make_timestamp,
        &call([0, 1, 1, 0, 0, 0, 0], "where/ever"),
        zone_err,
    );
    let bad: &[(usize, i32)] = &[
        (0, 0),
        (0, -1),
        (0, 10000),
        (0, i32::MIN),
        (1, 0),
        (1, 13),
        (2, 0),
        (2, 31),
        (2, 32),
        (3, -1),
        (3, 24),
        (4, -1),
        (4, 60),
        (5, -1),
        (5, 60),
        (6, -1),
        (6, 1000),
        (6, i32::MAX),
    ];
    for &(i, x) in bad {
        let mut f = base;
        f[i] = x;
        err(make_timestamp, &call(f, ""), field_err);
        err(make_timestamp, &call(f, CHI), field_err);
    }
    // February: 29 days only in leap years (every 4th, not every 100th, every 400th).
    err(
        make_timestamp,
        &call([2015, 2, 29, 0, 0, 0, 0], ""),
        field_err,
    );
    err(
        make_timestamp,
        &call([1900, 2, 29, 0, 0, 0, 0], ""),
        field_err,
    );
    ok(
        make_timestamp,
        &call([2000, 2, 29, 0, 0, 0, 0], ""),
        d(951_782_400.0),
    );
    err(
        make_timestamp,
        &call([2015, 4, 31, 0, 0, 0, 0], ""),
        field_err,
    );
}

#[test]
fn ranges_of_fields() {
    type Case = (NativeFn, f64, &'static str, f64, f64, bool);
    let cases: &[Case] = &[
        (is_second_of_minute, JULY4, UTC, 56.0, 57.0, true),
        (is_second_of_minute, JULY4, UTC, 55.0, 56.0, false),
        // The field is the whole second, as time.secondOfMinute gives it.
        (is_second_of_minute, JULY4 + 0.5, UTC, 56.0, 56.5, true),
        (is_second_of_minute, JULY4, UTC, 56.5, 60.0, false),
        (is_second_of_minute, -0.5, UTC, 59.0, 60.0, true),
        (is_minute_of_hour, JULY4, UTC, 30.0, 35.0, true),
        (is_minute_of_hour, JULY4, UTC, 60.0, 70.0, false),
        (is_hour_of_day, JULY4, UTC, 12.0, 13.0, true),
        (is_hour_of_day, JULY4, CHI, 12.0, 13.0, false),
        (is_hour_of_day, JULY4, CHI, 7.0, 8.0, true),
        (is_day_of_week, JULY4, UTC, 5.0, 7.0, true),
        (is_day_of_week, JULY4, UTC, 0.0, 5.0, false),
        (is_day_of_month, JULY4, UTC, 1.0, 5.0, true),
        (is_day_of_month, JULY4, UTC, 5.0, 32.0, false),
        (is_month_of_year, JULY4, UTC, 7.0, 8.0, true),
        (is_month_of_year, 0.0, CHI, 1.0, 12.0, false),
        (is_day_of_year, JULY4, UTC, 185.0, 186.0, true),
        (is_day_of_year, JULY4, UTC, -1e300, 185.0, false),
        (
            is_day_of_year,
            JULY4,
            UTC,
            f64::NEG_INFINITY,
            f64::INFINITY,
            true,
        ),
        // NaN bounds are not "low >= high", and nothing lies between them.
        (is_hour_of_day, JULY4, UTC, f64::NAN, 24.0, false),
        (is_hour_of_day, JULY4, UTC, 0.0, f64::NAN, false),
    ];
    for &(f, ts, zone, low, high, want) in cases {
        ok(f, &[d(ts), s(zone), d(low), d(high)], Value::Boolean(want));
    }
}

#[test]
fn range_errors() {
    let fns: &[(NativeFn, i32)] = &[
        (is_second_of_minute, 40090),
        (is_minute_of_hour, 40100),
        (is_hour_of_day, 40110),
        (is_day_of_week, 40120),
        (is_day_of_month, 40130),
        (is_month_of_year, 40140),
        (is_day_of_year, 40150),
    ];
    for &(f, base) in fns {
        let range_err = (base, BAD_RANGE);
        let zone_err = (base + 1, BAD_ZONE);
        let ts_err = (base + 2, BAD_TS);
        err(f, &[d(0.5), s(CHI), d(5.0), d(5.0)], range_err);
        err(f, &[d(0.5), s(CHI), d(5.0), d(4.0)], range_err);
        err(
            f,
            &[d(0.5), s(CHI), d(f64::INFINITY), d(f64::INFINITY)],
            range_err,
        );
        // The range is checked first, then the timestamp, then the zone.
        err(
            f,
            &[d(f64::NAN), s("where/ever"), d(1.0), d(0.0)],
            range_err,
        );
        err(f, &[d(f64::NAN), s("where/ever"), d(0.0), d(1.0)], ts_err);
        err(f, &[d(0.5), s("where/ever"), d(5.0), d(6.0)], zone_err);
        err(f, &[d(MIN_TS - 1.0), s(UTC), d(5.0), d(6.0)], ts_err);
        err(f, &[d(MAX_TS + 1.0), s(UTC), d(5.0), d(6.0)], ts_err);
        err(f, &[d(f64::INFINITY), s(UTC), d(5.0), d(6.0)], ts_err);
    }
}

#[test]
fn weekend_and_work_hours() {
    // JULY4 is Saturday 12:34 UTC; two days later is Monday.
    let monday = JULY4 + 2.0 * 86_400.0;
    // Monday 09:00:00 UTC.
    let nine = monday - (3.0 * 3600.0 + 34.0 * 60.0 + 56.0);
    let cases: &[(NativeFn, f64, &str, bool)] = &[
        (is_weekend, JULY4, UTC, true),
        (is_weekend, JULY4 + 86_400.0, UTC, true),
        (is_weekend, monday, UTC, false),
        (is_weekend, JULY4 - 86_400.0, UTC, false),
        // Saturday 00:30 UTC is still Friday evening in Chicago.
        (is_weekend, JULY4 - 12.0 * 3600.0, CHI, false),
        (is_work_hours, JULY4, UTC, false),
        (is_work_hours, monday, UTC, true),
        (is_work_hours, nine - 1.0, UTC, false),
        (is_work_hours, nine, UTC, true),
        (is_work_hours, nine + 8.0 * 3600.0 - 1e-3, UTC, true),
        (is_work_hours, nine + 8.0 * 3600.0, UTC, false),
        (is_work_hours, monday, CHI, false), // 07:34 CDT
        (is_work_hours, monday + 2.0 * 3600.0, CHI, true), // 09:34 CDT
        (is_work_hours, 0.0, UTC, false),
    ];
    for &(f, ts, zone, want) in cases {
        ok(f, &[d(ts), s(zone)], Value::Boolean(want));
    }
}

#[test]
fn local_fields_match_jiff_zoned_times() {
    // Through the local-mean-time era, DST changes and the far future in zones with
    // unusual offsets (sub-minute, 30- and 45-minute, +14, negative DST).
    let zones = [
        CHI,
        "Europe/Dublin",
        "Asia/Kathmandu",
        "Pacific/Chatham",
        "Pacific/Kiritimati",
        "America/St_Johns",
        "Asia/Tehran",
        "Australia/Lord_Howe",
    ];
    for name in zones {
        let tz = zone(name).unwrap();
        let mut ts: i64 = -5_000_000_000;
        while ts < 20_000_000_000 {
            let z = Timestamp::from_second(ts).unwrap().to_zoned(tz.clone());
            let f = local_fields(ts as f64 + 0.25, name, (1, ""), (2, "")).unwrap();
            let want = Fields {
                year: z.year().into(),
                month: z.month().into(),
                day: z.day().into(),
                day_of_year: z.day_of_year().into(),
                day_of_week: z.weekday().to_monday_zero_offset().into(),
                hour: z.hour().into(),
                minute: z.minute().into(),
                second: z.second().into(),
            };
            assert_eq!(f, want, "{name} at {ts}");
            ts += 3_600_017;
        }
    }
}

#[test]
fn make_timestamp_matches_jiff_compatible() {
    for name in [
        CHI,
        "Europe/Dublin",
        "Australia/Lord_Howe",
        "Asia/Kathmandu",
    ] {
        let tz = zone(name).unwrap();
        for year in (1850..2400).step_by(7) {
            for (month, day, hour, minute) in [
                (1, 31, 0, 0),
                (3, 10, 2, 30),
                (4, 5, 2, 15),
                (10, 6, 1, 45),
                (11, 3, 1, 30),
                (12, 31, 23, 59),
            ] {
                let dt = DateTime::new(year as i16, month, day, hour, minute, 7, 0).unwrap();
                let want = tz
                    .to_ambiguous_timestamp(dt)
                    .compatible()
                    .unwrap()
                    .as_second() as f64
                    + 0.5;
                let args: Vec<Value> = [
                    year,
                    month.into(),
                    day.into(),
                    hour.into(),
                    minute.into(),
                    7,
                    500,
                ]
                .iter()
                .map(|&x| Value::Int(x))
                .chain([s(name)])
                .collect();
                ok(make_timestamp, &args, d(want));
            }
        }
    }
}
