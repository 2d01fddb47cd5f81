//! Name pools (common US first names by sex, common US surnames, most common first) and the
//! nickname table shared with the deduplicator (`rules/nicknames.csv`).

use std::sync::OnceLock;

pub const NICKNAMES_CSV: &str = include_str!("../../rules/nicknames.csv");

const MALE: &str = "james robert john michael david william richard joseph thomas christopher \
charles daniel matthew anthony mark donald steven andrew paul joshua kenneth kevin brian \
george timothy ronald jason edward jeffrey ryan jacob gary nicholas eric jonathan stephen \
larry justin scott brandon benjamin samuel gregory alexander patrick frank raymond jack \
dennis jerry tyler aaron jose adam nathan henry zachary douglas peter kyle noah ethan \
jeremy walter christian keith roger terry austin sean gerald carl harold dylan arthur \
lawrence jordan jesse bryan billy bruce gabriel joe logan alan juan albert willie elijah \
wayne randy vincent mason roy ralph bobby russell bradley philip eugene louis harry \
howard johnny carlos antonio luis jesus miguel francisco alejandro ricardo eduardo \
jorge manuel roberto marcus darnell tyrone jamal deandre terrance demetrius malik \
andre cedric reginald darius kendrick dwayne maurice lamar curtis leroy isaiah \
xavier dominic victor martin leonard stanley clarence earl jimmy fred theodore \
marvin calvin mitchell travis shawn derek corey troy allen lee wesley dale glenn \
rodney herbert melvin alfred francis oscar ernest norman jay lonnie tony rafael \
angel hector ramon ivan enrique guillermo ignacio pedro julio sergio mario cesar \
marco omar hugo ali mohamed ahmed hassan tuan minh nguyen wei kevin duc hung \
caleb isaac owen luke hunter connor cameron evan jayden liam aiden carter wyatt";

const FEMALE: &str = "mary patricia jennifer linda elizabeth barbara susan jessica sarah \
karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol \
amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy \
angela shirley anna brenda pamela emma nicole helen samantha katherine christine \
debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce \
virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl \
hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean \
abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella \
theresa diana natalie brittany charlotte marie kayla alexis lori tamika latoya keisha \
shanice ebony lakisha tanisha aaliyah jasmine destiny imani monique yolanda tiffany \
crystal erica dominique tasha guadalupe rosa ana carmen juana veronica yesenia \
alejandra adriana gabriela marisol leticia araceli margarita dolores esperanza \
lucia elena claudia sofia isabel graciela rosario cristina fatima aisha amina \
linh mai lan thuy mei ling priya anjali brianna kaylee chloe zoe lily ella avery \
mia harper aria scarlett layla riley nora hazel violet aurora savannah audrey \
brooklyn bella claire skylar lucy paisley everly caroline nova genesis emilia \
kennedy maya willow kinsley naomi elena sadie autumn peyton ruby eva serenity \
vanessa tabitha tammy wanda connie peggy bonnie sheila rhonda gail darlene";

const LAST: &str = "smith johnson williams brown jones garcia miller davis rodriguez \
martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin \
lee perez thompson white harris sanchez clark ramirez lewis robinson walker young \
allen king wright scott torres nguyen hill flores green adams nelson baker hall \
rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker \
cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz \
morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson \
brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo \
sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan \
bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan \
patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes \
bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall \
owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen \
freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez \
silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson \
boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson \
nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins \
arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham \
duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry \
perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence \
sandoval guerrero george chapman rios estrada ortega watkins greene nunez wheeler \
valdez harper burke larson santiago maldonado morrison franklin carlson austin \
dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery oliver \
jensen harvey williamson gilbert dean sims espinoza howell li wong reid hanson le \
mccoy garrett burton fuller wang weber welch rojas lucas marquez fields park yang \
little banks padilla day walsh bowman schultz luna fowler mejia davidson acosta \
brewer may holland juarez newman pearson curtis cortez douglas schneider joseph \
barrett navarro figueroa keller avila wade molina stanley hopkins campos barnett \
bates chambers caldwell beck lambert miranda byrd craig ayala lowe frazier powers \
neal leonard gregory carrillo sutton fleming rhodes shelton schwartz norris jennings \
watts duran walters cohen mcdaniel moran parks steele vaughn becker holt deleon \
barker terry hale leon hail benson haynes horton miles lyons pham graves bush \
thornton wolfe warner cabrera mckinney mann zimmerman dawson lara fletcher page \
mccarthy love robles cervantes solis erickson reeves chang klein salinas fuentes";

pub struct Pools {
    pub male: Vec<&'static str>,
    pub female: Vec<&'static str>,
    pub last: Vec<&'static str>,
    /// (name, nickname) pairs sorted by name.
    pub nicknames: Vec<(&'static str, &'static str)>,
}

impl Pools {
    pub fn get() -> &'static Pools {
        static P: OnceLock<Pools> = OnceLock::new();
        P.get_or_init(|| {
            let mut nicknames: Vec<(&str, &str)> = NICKNAMES_CSV
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(','))
                .map(|(a, b)| (a.trim(), b.trim()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .collect();
            nicknames.sort();
            Pools {
                male: MALE.split_whitespace().collect(),
                female: FEMALE.split_whitespace().collect(),
                last: LAST.split_whitespace().collect(),
                nicknames,
            }
        })
    }

    /// Nicknames known for a (lowercase) formal name.
    pub fn nicknames_of(&self, name: &str) -> &[(&'static str, &'static str)] {
        let lo = self.nicknames.partition_point(|(n, _)| *n < name);
        let hi = self.nicknames.partition_point(|(n, _)| *n <= name);
        &self.nicknames[lo..hi]
    }
}

/// `robert` -> `Robert`, `garcia-lopez` -> `Garcia-Lopez`, `obrien` -> `Obrien`.
pub fn title_case(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for ch in s.chars() {
        if up {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
        up = ch == '-' || ch == ' ' || ch == '\'';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_and_nicknames_load() {
        let p = Pools::get();
        assert!(p.male.len() >= 200, "{}", p.male.len());
        assert!(p.female.len() >= 200, "{}", p.female.len());
        assert!(p.last.len() >= 300, "{}", p.last.len());
        assert!(p.nicknames.len() >= 300);
        assert!(p.nicknames_of("robert").iter().any(|x| x.1 == "bob"));
        assert!(p.nicknames_of("william").iter().any(|x| x.1 == "bill"));
        assert!(p.nicknames_of("elizabeth").iter().any(|x| x.1 == "liz"));
        for (a, b) in &p.nicknames {
            assert_eq!(*a, a.to_lowercase());
            assert_eq!(*b, b.to_lowercase());
        }
        assert_eq!(title_case("garcia-lopez"), "Garcia-Lopez");
    }
}
