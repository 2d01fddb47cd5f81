//! Bed and unit utilization from Inventory: persons (households) in a bed (unit) each night
//! of the period against the beds (units) in force that night.

use crate::facts::{Day, Facts};
use crate::hmis::codes::{ProjectType, relationship};

/// Bed and occupancy figures for the period, per project.
#[derive(Debug, Clone, Copy, Default)]
pub struct Occupancy {
    /// Beds and units in force on the last night of the period.
    pub beds: u64,
    pub units: u64,
    /// Sum over the period's nights of beds / units in force.
    pub bed_nights: u64,
    pub unit_nights: u64,
    /// Sum over the period's nights of persons in a bed / households (heads) in a unit:
    /// entry to the night before exit (ES, TH, SH), bed nights (ES night-by-night), move-in
    /// to the night before exit (permanent housing).
    pub person_nights: u64,
    pub household_nights: u64,
}

impl Occupancy {
    pub fn bed_utilization(&self) -> Option<f64> {
        (self.bed_nights > 0).then(|| self.person_nights as f64 / self.bed_nights as f64)
    }
    pub fn unit_utilization(&self) -> Option<f64> {
        (self.unit_nights > 0).then(|| self.household_nights as f64 / self.unit_nights as f64)
    }
    pub fn add(&mut self, o: &Occupancy) {
        self.beds += o.beds;
        self.units += o.units;
        self.bed_nights += o.bed_nights;
        self.unit_nights += o.unit_nights;
        self.person_nights += o.person_nights;
        self.household_nights += o.household_nights;
    }
}

/// Occupancy of every project (index = project) over the inclusive period.
pub fn occupancy(facts: &Facts, start: Day, end: Day) -> Vec<Occupancy> {
    let mut occ = vec![Occupancy::default(); facts.projects.len()];
    let nights = |a: Day, b: Day| -> u64 {
        // Nights n with a <= n <= b, clipped to the period.
        let (a, b) = (a.max(start), b.min(end));
        if b >= a { (b - a + 1) as u64 } else { 0 }
    };
    for inv in &facts.inventory {
        let Some(s) = inv.start else { continue };
        let o = &mut occ[inv.project as usize];
        let n = nights(s, inv.end.unwrap_or(end));
        o.bed_nights += inv.beds as u64 * n;
        o.unit_nights += inv.units as u64 * n;
        if inv.in_force(end) {
            o.beds += inv.beds as u64;
            o.units += inv.units as u64;
        }
    }
    for e in &facts.enrollments {
        let Some(t) = facts.project_type(e) else {
            continue;
        };
        let last = e.exit.map_or(end, |x| x - 1);
        let n = match t {
            ProjectType::EsNbn => {
                let s = facts.bed_nights(e);
                let a = s.partition_point(|&d| d < start.max(e.entry));
                let b = s.partition_point(|&d| d <= end.min(last));
                b.saturating_sub(a) as u64
            }
            ProjectType::EsEntryExit | ProjectType::Th | ProjectType::Sh => nights(e.entry, last),
            t if t.is_permanent_housing() => match e.move_in {
                Some(m) if m >= e.entry => nights(m, last),
                _ => 0,
            },
            _ => 0,
        };
        let o = &mut occ[e.project as usize];
        o.person_nights += n;
        if e.relationship == relationship::SELF_HOH {
            o.household_nights += n;
        }
    }
    occ
}
