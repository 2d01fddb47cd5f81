//! Run the synthetic generator without the CLI:
//! `cargo run --release --example synth -- OUT_DIR PERSONS AGENCIES [SEED]`
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let mut o = hmis::synth::SynthOptions {
        out: a.get(1).map(Into::into).unwrap_or_else(|| "synth-out".into()),
        ..Default::default()
    };
    if let Some(n) = a.get(2) {
        o.persons = n.parse().expect("persons");
    }
    if let Some(n) = a.get(3) {
        o.agencies = n.parse().expect("agencies");
    }
    if let Some(n) = a.get(4) {
        o.seed = n.parse().expect("seed");
    }
    match hmis::synth::generate(&o) {
        Ok(s) => println!("{s:?}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
