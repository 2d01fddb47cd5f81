//! The facts of a subset of projects (one organization's, for `hmis run --by-organization`):
//! the same shapes as the system's facts, holding only the enrollments, households,
//! persons, inventory and funders of the chosen projects, re-indexed so reports written
//! from them cannot name another organization's projects or count its clients.

use super::{Enrollment, Facts, Household};

/// Facts restricted to the projects with `keep[project]` set. Organizations are those of the
/// kept projects; persons are those with a kept enrollment, in the system's order (so the
/// enrollments stay sorted by person, entry, export and EnrollmentID); each person's
/// client-record count stays the system's. The person-level facts (birth date, sex, race,
/// veteran status) are the system's: resolved across every record of the person.
pub fn restrict(facts: &Facts, keep: &[bool]) -> Facts {
    restrict_with_enrollments(facts, keep).0
}

/// As [`restrict`], also giving the kept enrollments' indexes in `facts`, in their new
/// order (for [`super::detail::Details::restrict`]).
pub fn restrict_with_enrollments(facts: &Facts, keep: &[bool]) -> (Facts, Vec<u32>) {
    // Every field of Facts, named here so that adding one without restricting it below
    // does not compile.
    let Facts {
        organizations: _,
        projects: _,
        inventory: _,
        enrollments: _,
        households: _,
        persons: _,
        person_enrollments: _,
        service_days: _,
        conditions: _,
        dv: _,
        incomes: _,
        bed_nights: _,
        funders: _,
        data_start: _,
        counts: _,
    } = facts;
    let kept = |p: u32| keep.get(p as usize).copied().unwrap_or(false);
    let mut old_index: Vec<u32> = Vec::new();
    let mut out = Facts {
        data_start: facts.data_start,
        ..Facts::default()
    };

    // Organizations and projects, old index -> new index.
    let mut org_map = vec![u32::MAX; facts.organizations.len()];
    let mut project_map = vec![u32::MAX; facts.projects.len()];
    for (i, p) in facts.projects.iter().enumerate() {
        if !kept(i as u32) {
            continue;
        }
        let o = p.organization as usize;
        if org_map[o] == u32::MAX {
            org_map[o] = out.organizations.len() as u32;
            out.organizations.push(facts.organizations[o].clone());
        }
        project_map[i] = out.projects.len() as u32;
        let mut p = p.clone();
        p.organization = org_map[o];
        out.projects.push(p);
    }
    out.inventory = facts
        .inventory
        .iter()
        .filter(|v| kept(v.project))
        .map(|v| {
            let mut v = *v;
            v.project = project_map[v.project as usize];
            v
        })
        .collect();
    out.funders = facts
        .funders
        .iter()
        .filter(|f| kept(f.project))
        .map(|f| {
            let mut f = *f;
            f.project = project_map[f.project as usize];
            f
        })
        .collect();

    // Enrollments (in the system's order), with their households and persons re-indexed
    // and their records copied into the new fact vectors.
    let mut household_map = vec![u32::MAX; facts.households.len()];
    let mut person_map = vec![u32::MAX; facts.persons.len()];
    for (old, e) in facts.enrollments.iter().enumerate() {
        if !kept(e.project) {
            continue;
        }
        old_index.push(old as u32);
        let p = e.person as usize;
        if person_map[p] == u32::MAX {
            person_map[p] = out.persons.len() as u32;
            out.persons.push(facts.persons[p]);
            out.person_enrollments.push(out.enrollments.len() as u32);
        }
        let h = e.household as usize;
        if household_map[h] == u32::MAX {
            household_map[h] = out.households.len() as u32;
            out.households.push(Household {
                export: facts.households[h].export,
                members: Vec::new(),
            });
        }
        let new_index = out.enrollments.len() as u32;
        out.households[household_map[h] as usize]
            .members
            .push(new_index);
        let mut n: Enrollment = e.clone();
        n.person = person_map[p];
        n.project = project_map[e.project as usize];
        n.household = household_map[h];
        n.services = copy(&mut out.service_days, facts.services(e));
        n.conditions = copy(&mut out.conditions, facts.conditions(e));
        n.dv = copy(&mut out.dv, facts.dv_records(e));
        n.incomes = copy(&mut out.incomes, facts.incomes(e));
        n.bed_nights = copy(&mut out.bed_nights, facts.bed_nights(e));
        out.enrollments.push(n);
    }
    out.person_enrollments.push(out.enrollments.len() as u32);
    out.counts.enrollments = out.enrollments.len() as u64;
    (out, old_index)
}

/// Appends `items` to `to`; returns their range there.
pub(crate) fn copy<T: Clone>(to: &mut Vec<T>, items: &[T]) -> (u32, u32) {
    let a = to.len() as u32;
    to.extend_from_slice(items);
    (a, to.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Crosswalk;
    use crate::facts::{FactOptions, build};

    /// Restricting to every project changes nothing; restricting to one organization's
    /// projects keeps exactly their enrollments, each with the same records.
    #[test]
    fn restrict_keeps_exactly_the_chosen_projects() {
        // The hand-made PIT fixture: two agencies, persons with stays at both.
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pit");
        let ingest = crate::ingest::load(&[dir]).unwrap();
        let cw = Crosswalk::by_personal_id(&ingest.dataset);
        let facts = build(&ingest.dataset, &cw, &FactOptions::default());
        assert!(facts.organizations.len() >= 2);
        let all = vec![true; facts.projects.len()];
        let same = restrict(&facts, &all);
        assert_eq!(same.enrollments.len(), facts.enrollments.len());
        let with_enrollments = (0..facts.persons.len() as u32)
            .filter(|&p| !facts.enrollments_of(p).is_empty())
            .count();
        assert_eq!(same.persons.len(), with_enrollments);
        assert_eq!(same.households.len(), facts.households.len());
        assert_eq!(same.service_days.len(), facts.service_days.len());

        let org = facts.projects[0].organization;
        let keep: Vec<bool> = facts
            .projects
            .iter()
            .map(|p| p.organization == org)
            .collect();
        let r = restrict(&facts, &keep);
        assert_eq!(r.organizations.len(), 1);
        assert_eq!(r.organizations[0].id, facts.organizations[org as usize].id);
        let expected: Vec<&Enrollment> = facts
            .enrollments
            .iter()
            .filter(|e| keep[e.project as usize])
            .collect();
        assert_eq!(r.enrollments.len(), expected.len());
        for (a, b) in r.enrollments.iter().zip(&expected) {
            assert_eq!(
                (a.export, a.row, a.entry, a.exit),
                (b.export, b.row, b.entry, b.exit)
            );
            assert_eq!(
                r.projects[a.project as usize].id,
                facts.projects[b.project as usize].id
            );
            assert_eq!(r.services(a), facts.services(b));
            assert_eq!(r.bed_nights(a), facts.bed_nights(b));
            assert_eq!(r.incomes(a).len(), facts.incomes(b).len());
            assert_eq!(r.person(a).dob, facts.person(b).dob);
            assert!(
                r.households[a.household as usize]
                    .members
                    .iter()
                    .all(|&m| r.enrollments[m as usize].household == a.household)
            );
        }
        // Each person's enrollments are contiguous and in order.
        for p in 0..r.persons.len() as u32 {
            for i in r.enrollments_of(p) {
                assert_eq!(r.enrollments[i].person, p);
            }
        }
    }
}
