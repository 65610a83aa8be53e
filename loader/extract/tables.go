package extract

import "strings"

// The word tables below are general English news vocabulary: none names an
// entity of a particular article.

// demonyms maps lower-case adjectival forms to canonical country names.
var demonyms = map[string]string{
	"russian": "Russia", "ukrainian": "Ukraine", "american": "United States", "british": "United Kingdom",
	"french": "France", "german": "Germany", "chinese": "China", "japanese": "Japan", "indian": "India",
	"italian": "Italy", "spanish": "Spain", "polish": "Poland", "turkish": "Turkey", "iranian": "Iran",
	"iraqi": "Iraq", "syrian": "Syria", "israeli": "Israel", "palestinian": "Palestine", "egyptian": "Egypt",
	"saudi": "Saudi Arabia", "canadian": "Canada", "mexican": "Mexico", "brazilian": "Brazil",
	"argentine": "Argentina", "australian": "Australia", "belarusian": "Belarus", "georgian": "Georgia",
	"moldovan": "Moldova", "romanian": "Romania", "hungarian": "Hungary", "czech": "Czech Republic",
	"slovak": "Slovakia", "lithuanian": "Lithuania", "latvian": "Latvia", "estonian": "Estonia",
	"finnish": "Finland", "swedish": "Sweden", "norwegian": "Norway", "danish": "Denmark", "dutch": "Netherlands",
	"belgian": "Belgium", "swiss": "Switzerland", "austrian": "Austria", "greek": "Greece", "serbian": "Serbia",
	"croatian": "Croatia", "bulgarian": "Bulgaria", "afghan": "Afghanistan", "pakistani": "Pakistan",
	"korean": "South Korea", "north korean": "North Korea", "south korean": "South Korea",
	"vietnamese": "Vietnam", "thai": "Thailand", "indonesian": "Indonesia", "filipino": "Philippines",
	"nigerian": "Nigeria", "kenyan": "Kenya", "ethiopian": "Ethiopia", "south african": "South Africa",
	"lebanese": "Lebanon", "jordanian": "Jordan", "qatari": "Qatar", "emirati": "United Arab Emirates",
	"yemeni": "Yemen", "libyan": "Libya", "sudanese": "Sudan", "venezuelan": "Venezuela", "cuban": "Cuba",
	"colombian": "Colombia", "chilean": "Chile", "peruvian": "Peru", "irish": "Ireland", "portuguese": "Portugal",
	"kazakh": "Kazakhstan", "armenian": "Armenia", "azerbaijani": "Azerbaijan", "taiwanese": "Taiwan",
	"new zealand": "New Zealand", "scottish": "Scotland", "welsh": "Wales", "english": "England", "kosovar": "Kosovo",
}

// countryAcronyms are short forms news uses for countries.
var countryAcronyms = map[string]string{
	"US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States",
	"UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom", "Great Britain": "United Kingdom",
	"UAE": "United Arab Emirates", "America": "United States", "Holland": "Netherlands",
	"England": "England", "Scotland": "Scotland", "Wales": "Wales", "Northern Ireland": "Northern Ireland",
	"Kosovo": "Kosovo",
}

// orgHeads end organization names: "Defense Ministry", "Press TV".
var orgHeads = set("Ministry", "Directorate", "Institute", "Agency", "Forces", "Force", "Council", "Party",
	"Bank", "Inc", "Corp", "Corporation", "Company", "Co", "Ltd", "LLC", "Group", "University", "College",
	"Committee", "Commission", "Office", "Service", "Services", "Department", "Union", "Association",
	"Organization", "Organisation", "Foundation", "Fund", "Court", "Parliament", "Assembly", "Congress",
	"Senate", "Army", "Navy", "Guard", "Police", "Federation", "League", "Club", "Times", "Post", "Journal",
	"Herald", "Tribune", "Independent", "Guardian", "Telegraph", "Gazette", "Observer", "TV", "Radio",
	"Television", "Network", "Channel", "Broadcasting", "Images", "Press", "Holdings", "Industries",
	"Airlines", "Airways", "Motors", "Bureau", "Authority", "Administration", "Cabinet", "Government",
	"Staff", "Command", "Brigade", "Battalion", "Regiment", "Division", "Corps", "Center", "Centre",
	"Board", "Exchange", "Institution", "Society", "Alliance", "Coalition", "Movement", "Front",
	"Church", "Hospital", "School", "Academy", "Laboratory", "Labs", "Systems", "Technologies", "Media",
	"News", "Bros", "Brothers", "Reserve", "Treasury", "Secretariat", "Embassy", "Mission", "Presidium", "Duma", "Rada",
	"PLC", "Plc", "GmbH", "S.A.", "N.V.", "S.p.A.", "SpA", "B.V.", "LLP", "Chiefs", "Programme", "Program")

// mediaHeads end an organization name at once: "Press TV" in "Press TV News".
var mediaHeads = set("TV", "Radio")

// placeHeads end place names: "Black Sea", "Dnipro River".
var placeHeads = set("River", "Sea", "Ocean", "Lake", "Mountains", "Mountain", "Peninsula", "Island",
	"Islands", "Bay", "Gulf", "Strait", "Valley", "Desert", "Region", "Province", "Oblast", "County",
	"District", "Square", "Street", "Avenue", "Bridge", "Canal", "Coast", "Plain", "Basin", "Delta",
	"Krai", "Governorate", "Prefecture", "Territory", "Territories", "Heights", "Peak", "Falls")

// lowerPlaceHeads follow a place name in lower case: "Kherson region".
// Only words that change what the name denotes (the region, not the city;
// the river, not the city) are taken in.
var lowerPlaceHeads = set("region", "province", "oblast", "city", "river", "peninsula", "district",
	"krai", "governorate", "prefecture")

// regionWords make a place a region distinct from the city of that name.
var regionWords = set("region", "province", "oblast", "district", "county", "krai", "governorate",
	"prefecture", "Region", "Province", "Oblast", "District", "County", "Krai", "Governorate", "Prefecture")

// titles before a name make it a person: "Defense Minister Sergei Shoigu".
var titles = set("President", "Minister", "General", "Gen", "Chancellor", "Secretary", "Spokesman",
	"Spokeswoman", "Spokesperson", "Commander", "Governor", "Gov", "Mayor", "Senator", "Sen", "King", "Queen",
	"Prince", "Princess", "Pope", "Ambassador", "Chairman", "Chairwoman", "Director", "Colonel", "Col",
	"Lieutenant", "Lt", "Captain", "Capt", "Major", "Maj", "Admiral", "Adm", "Sergeant", "Sgt", "Judge",
	"Justice", "Mr", "Mrs", "Ms", "Dr", "Prof", "Professor", "Sir", "Lord", "Dame", "Rev", "Sheikh", "Premier",
	"Leader", "CEO", "Chief", "Marshal", "Democrat", "Republican", "MP", "MEP", "MSP", "Rep", "Representative", "Envoy", "Vice", "Deputy", "Patriarch",
	"Speaker", "Prosecutor", "Detective", "Officer", "Inspector", "Superintendent", "Bishop", "Cardinal",
	"Emir", "Crown", "Sultan", "Ayatollah", "Archbishop", "Coach", "Manager", "Founder", "Analyst",
	"Dictator", "Lawmaker", "Senior", "Foreign", "Defense", "Defence", "Prime", "Attorney", "Interior",
	"Finance", "Health", "Economy", "Justice", "Energy", "Trade", "Transport", "Education")

// titleHeads are the title words that can close a title phrase; the words
// before them ("Defense", "Prime") only qualify.
var titleHeads = set("President", "Minister", "General", "Gen", "Chancellor", "Secretary", "Spokesman",
	"Spokeswoman", "Spokesperson", "Commander", "Governor", "Gov", "Mayor", "Senator", "Sen", "King", "Queen",
	"Prince", "Princess", "Pope", "Ambassador", "Chairman", "Chairwoman", "Director", "Colonel", "Col",
	"Lieutenant", "Lt", "Captain", "Capt", "Major", "Maj", "Admiral", "Adm", "Sergeant", "Sgt", "Judge",
	"Justice", "Mr", "Mrs", "Ms", "Dr", "Prof", "Professor", "Sir", "Lord", "Dame", "Rev", "Sheikh", "Premier",
	"Leader", "CEO", "Chief", "Marshal", "Rep", "Representative", "Envoy", "Patriarch", "Speaker",
	"Prosecutor", "Detective", "Officer", "Inspector", "Superintendent", "Bishop", "Cardinal", "Emir",
	"Sultan", "Ayatollah", "Archbishop", "Coach", "Manager", "Founder", "Analyst", "Dictator", "Lawmaker",
	"Democrat", "Republican", "MP", "MEP", "MSP", "Sen.", "Rep.")

// personalTitles are courtesy titles: not roles.
var personalTitles = set("Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Rev", "Prof", "Professor")

// roleWords are lower-case role nouns before a name ("spokesman Dmitry
// Peskov") or after it in apposition ("X, commander-in-chief of ...").
var roleWords = set("spokesman", "spokeswoman", "spokesperson", "president", "minister", "commander",
	"commander-in-chief", "chief", "head", "leader", "director", "chairman", "chairwoman", "governor",
	"mayor", "ambassador", "envoy", "general", "secretary", "adviser", "advisor", "aide", "official",
	"prosecutor", "lawmaker", "senator", "chancellor", "premier", "founder", "ceo", "executive",
	"analyst", "researcher", "professor", "correspondent", "reporter", "editor", "journalist",
	"deputy", "colonel", "captain", "lieutenant", "admiral", "officer", "representative", "negotiator",
	"coach", "manager", "economist", "strategist", "owner", "boss", "photographer", "writer", "author",
	"actor", "singer", "player", "striker", "chief-of-staff", "foreign minister", "defense minister")

// speechVerbs introduce statements.
var speechVerbs = set("said", "says", "say", "told", "tells", "claimed", "claims", "announced", "announces",
	"stated", "states", "added", "adds", "warned", "warns", "insisted", "insists", "reported", "reports",
	"declared", "declares", "confirmed", "confirms", "denied", "denies", "wrote", "writes", "noted", "argued",
	"hailed", "urged", "accused", "alleged", "according")

// actionVerbs link two entities in a sentence (label = the verb).
var actionVerbs = set("told", "ordered", "withdrew", "withdrawn", "entered", "attacked", "met", "meets",
	"called", "urged", "warned", "accused", "signed", "visited", "captured", "recaptured", "annexed",
	"invaded", "condemned", "criticized", "criticised", "praised", "supported", "backed", "sanctioned",
	"appointed", "fired", "dismissed", "replaced", "defeated", "beat", "acquired", "bought", "sold",
	"sued", "hired", "struck", "shelled", "bombed", "liberated", "occupied", "retook", "seized",
	"joined", "left", "leaves", "hosted", "thanked", "phoned", "asked", "invited", "pulled", "retreated")

// orgNames are organizations known by a single general name in world news:
// news and photo agencies, international bodies, parties and armed groups.
var orgNames = set("Reuters", "AFP", "AP", "Associated Press", "Agence France-Presse", "Bloomberg", "Xinhua",
	"TASS", "Tass", "RIA Novosti", "Interfax", "Ukrinform", "Anadolu", "Anadolu Agency", "Getty Images", "Getty",
	"NurPhoto", "EPA", "Shutterstock", "Sputnik", "Al Jazeera", "BBC", "CNN", "DW", "Deutsche Welle", "NPR",
	"NATO", "UN", "U.N.", "United Nations", "EU", "European Union", "IMF", "World Bank", "OPEC", "WHO",
	"Kremlin", "Pentagon", "White House", "Downing Street", "Elysee", "Congress", "Red Cross", "Amnesty International",
	"Human Rights Watch", "Gazprom", "Rosatom", "IAEA", "OSCE", "G7", "G20", "ICC", "Interpol", "Europol",
	"Facebook", "Twitter", "Google", "Apple", "Microsoft", "Amazon", "Meta", "YouTube", "Instagram", "TikTok",
	"Telegram", "WhatsApp", "Snapchat", "LinkedIn", "Reddit",
	"Vatican", "Labour", "Tory", "Tories", "Conservatives", "Liberal Democrats", "Lib Dems", "Democrats",
	"Republicans", "GOP", "SNP", "Sinn Fein", "Hamas", "Hezbollah", "Taliban", "Wagner", "Wagner Group", "Fed", "ECB",
	"Islamic State", "ISIS", "ISIL", "Daesh", "al-Qaeda", "Al-Qaeda", "al-Shabaab", "Al-Shabaab", "Boko Haram", "Houthis")

// orgCues are lower-case nouns that introduce an organization's name:
// "a local publication Most", "the news agency Interfax".
var orgCues = set("publication", "newspaper", "outlet", "broadcaster", "website", "magazine", "tabloid",
	"daily", "weekly", "channel", "firm", "company", "startup", "carrier", "airline", "manufacturer",
	"retailer", "lender", "insurer", "automaker", "carmaker", "conglomerate", "broadcaster", "watchdog",
	"regulator", "charity", "ngo", "think-tank", "portal", "network")

// structureNouns after a name make it a modifier of a thing, not an
// organization: "the Kherson TV tower".
var structureNouns = set("tower", "building", "facility", "plant", "station", "headquarters", "complex",
	"site", "compound", "studio", "studios", "transmitter", "mast")

// compass words start region names: "West Bank", "Far East".
var compass = set("North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Far",
	"Middle", "Central", "Upper", "Lower", "Gold", "Ivory")

// continents and other large regions that the gazetteer of countries,
// regions and towns does not hold.
var continents = set("Europe", "Asia", "Africa", "America", "Americas", "Antarctica", "Oceania", "Eurasia",
	"Balkans", "Caucasus", "Baltics", "Scandinavia", "Mediterranean", "Arctic", "Sahel", "Caribbean")

// equipment are plural nouns of things counted by make or model: "12
// Bradley fighting vehicles", "18 Leopard 2 tanks"; a name before one of
// them is the make even where the tagger took it for a name.
var equipment = set("tanks", "vehicles", "jets", "missiles", "rockets", "howitzers", "launchers", "systems",
	"helicopters", "drones", "aircraft", "planes", "fighters", "bombers", "rifles", "guns", "ships", "warships",
	"submarines", "carriers", "trucks", "cars", "satellites", "batteries", "shells", "munitions", "engines",
	"locomotives", "airliners", "jetliners", "airplanes", "frigates", "destroyers", "interceptors", "cannons")

// corpSuffixes end company names and never take an "of" phrase.
var corpSuffixes = set("Inc", "Corp", "Co", "Ltd", "LLC", "Plc", "PLC", "AG", "SA", "NV", "SpA", "GmbH", "AB",
	"S.A.", "N.V.", "S.p.A.", "B.V.", "LLP")

// nonOrgAcronyms are capitalized abbreviations of things, not names.
var nonOrgAcronyms = set("AI", "CEO", "CFO", "COO", "GDP", "TV", "PM", "AM", "DNA", "HIV", "AIDS", "COVID",
	"ID", "PC", "IT", "VAT", "CCTV", "SUV", "PR", "HR", "IPO", "OK", "FAQ", "PDF", "URL", "USB", "LED", "GPS",
	"MP", "MPs", "VIP", "RSS", "APP", "APPS", "AD", "BC", "CO2", "LNG", "EV", "EVs", "UAV", "UAVs", "IED", "POW",
	"POWs", "MRI", "ICU", "ATM", "PIN", "SMS", "WiFi", "HQ", "Q1", "Q2", "Q3", "Q4", "YoY", "FY", "EPS", "ETF")

// nameParticles join the parts of a person's name.
// ofHeads head an organization's name only before "of": "House of
// Commons", "Chamber of Deputies" ("White House", "Opera House" are left
// to other evidence).
var ofHeads = set("House", "Chamber")

var weekdayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

var weekdays = set(weekdayNames...)

// settlementNouns before "of" name the kind of a place: "the city of
// X", "the village of X".
var settlementNouns = set("city", "town", "village", "capital", "port", "province", "region", "district",
	"suburb", "outskirts", "hamlet", "settlement")

// arabicArticles are the forms of the Arabic article that a name joins
// with a hyphen: "al-Assad", "el-Sisi", "ash-Shaibani".
var arabicArticles = set("al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "bin", "ibn")

// titleAbbrevs are abbreviated titles that a dot joins to the name after
// them: "Mr. Trump", "Gen. Smith".
var titleAbbrevs = set("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Sgt",
	"Capt", "Maj", "Adm", "Rev", "Cpl", "Pvt", "Brig", "Cmdr", "Supt", "Insp", "Det")

// militaryUnits end the names of units that are numbered: "47th
// Mechanized Brigade", "3rd Infantry Division".
var militaryUnits = set("Brigade", "Battalion", "Regiment", "Division", "Corps", "Army", "Fleet", "Squadron",
	"Company", "Wing", "Group", "Detachment", "Guards")

// nameAbbrevs are abbreviations that begin a place name, joined to it
// across their dot: "St. Louis", "Ste. Genevieve", "Mt. Kenya", "Ft. Worth".
var nameAbbrevs = set("St", "Ste", "Mt", "Ft", "Pt")

var nameParticles = set("van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin",
	"ibn", "al", "el", "ben", "dos", "das", "ter", "zu")

// platformNouns after a name make it a company's product or service.
var platformNouns = set("app", "apps", "platform", "account", "accounts", "page", "feed", "handle",
	"messenger", "channel", "website", "browser", "chatbot", "smartphone", "smartphones", "shares", "stock")

// nonEntities are capitalized words for religions, peoples and
// ideologies: not persons, organizations or places.
var nonEntities = set("Islam", "Islamic", "Muslim", "Muslims", "Christianity", "Christian", "Christians",
	"Judaism", "Jewish", "Jew", "Jews", "Hindu", "Hindus", "Hinduism", "Buddhist", "Buddhists", "Buddhism",
	"Catholic", "Catholics", "Protestant", "Protestants", "Orthodox", "Sunni", "Sunnis", "Shia", "Shiite",
	"Shiites", "Sikh", "Sikhs", "Islamophobia", "Antisemitism", "Communism", "Communist", "Communists",
	"Marxist", "Nazi", "Nazis", "Zionist", "Zionism", "God", "Allah", "Bible", "Koran", "Quran", "Internet",
	"Christmas", "Easter", "Ramadan", "Eid", "Hanukkah", "Diwali", "Thanksgiving")

// lawHeads end names of laws and treaties (not organizations).
var lawHeads = set("Act", "Bill", "Treaty", "Agreement", "Accord", "Accords", "Protocol", "Amendment", "Charter", "Directive", "Doctrine")

// newspaperHeads end newspaper names, which keep a capitalized "The".
var newspaperHeads = set("Times", "Post", "Journal", "Herald", "Tribune", "Independent", "Guardian",
	"Telegraph", "Gazette", "Observer", "Economist", "Globe", "Mirror", "Sun", "Star", "Chronicle", "Daily",
	"Standard", "Express", "Spectator", "Atlantic", "Hill", "Hindu", "Age", "Australian", "Mail")

// connectors may join capitalized words inside an organization or place name.
var connectors = set("of", "for", "on", "de", "del", "da", "al", "bin", "van", "von", "der", "la", "du")

// nonNamesTitled holds the lower-case forms of the nonNames that are in
// title case, so that nonNames[strings.Title(w)] is nonNamesTitled[w] for
// a lower-case w, with no string built.
var nonNamesTitled = func() *wordSet {
	out := set()
	for k := range nonNames.m {
		if low := strings.ToLower(k); strings.Title(low) == k { //nolint:staticcheck // ASCII words
			out.add(low)
		}
	}
	return out
}()

// nonNames are capitalized words that never start or form a name by
// themselves: weekdays, months, time and page furniture words.
var nonNames = set(append(weekdayNames,
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
	"AM", "PM", "GMT", "UTC", "BST", "EST", "EDT", "CET", "CEST", "I", "OK", "PHOTO", "VIDEO", "READ",
	"MORE", "NEWS", "SHARE", "UPDATE", "UPDATED", "LIVE", "WATCH", "ADVERTISEMENT", "Image", "Photo", "Caption",
	"Getty", "Copyright", "Subscribe", "Editor", "Editors", "Skip", "Share", "Click", "Sign", "Follow")...)

// qualifierWords precede numbers.
var qualifierPhrases = [][]string{
	{"more", "than"}, {"less", "than"}, {"fewer", "than"}, {"at", "least"}, {"at", "most"}, {"up", "to"},
	{"as", "many", "as"}, {"as", "much", "as"}, {"nearly"}, {"almost"}, {"about"}, {"around"}, {"some"},
	{"over"}, {"under"}, {"roughly"}, {"approximately"}, {"estimated"}, {"an", "estimated"}, {"just", "over"},
	{"just", "under"}, {"close", "to"}, {"upwards", "of"}, {"only"}, {"a", "total", "of"}, {"a", "further"},
	{"another"}, {"exactly"}, {"nearly", "all"},
}

func set(ws ...string) *wordSet {
	s := &wordSet{m: make(map[string]bool, len(ws))}
	for _, w := range ws {
		s.add(w)
	}
	return s
}

// wordSet is a set of words whose membership test first checks each
// word's first and last bytes against the lengths of the words in the set
// that have them: most words of an article are in no set, and two table
// reads reject them without hashing the word.
type wordSet struct {
	m           map[string]bool
	first, last [256]uint16 // bit lenBit(len(w)) of a word's first (last) byte
}

// lenBit is the bit of a word length in wordSet.first and last: lengths
// from 15 up share the last bit.
func lenBit(n int) uint16 { return 1 << min(n, 15) }

func (s *wordSet) add(w string) {
	s.m[w] = true
	if w != "" {
		b := lenBit(len(w))
		s.first[w[0]] |= b
		s.last[w[len(w)-1]] |= b
	}
}

// has reports whether w is in the set.
func (s *wordSet) has(w string) bool {
	n := len(w)
	if n == 0 {
		return s.m[w]
	}
	b := lenBit(n)
	if s.first[w[0]]&s.last[w[n-1]]&b == 0 {
		return false
	}
	return s.m[w]
}

// Sports vocabulary for typing teams named after towns (see typeTeams).
var (
	// sportsWords make an article about sport when three of them (or match
	// scores) appear.
	sportsWords = set("match", "matches", "striker", "midfielder", "defender", "goalkeeper", "league",
		"premiership", "championship", "tournament", "fixture", "fixtures", "goal", "goals", "scored",
		"scorer", "penalty", "kick-off", "half-time", "unbeaten", "relegation", "relegated", "promotion",
		"season", "coach", "referee", "playoff", "play-off", "semi-final", "quarter-final", "final",
		"cup", "squad", "stadium", "winger", "try", "tries", "innings", "wicket", "wickets", "batsman",
		"bowler", "champions", "draw", "drew", "beat", "defeat", "victory", "transfer", "loan")
	// teamNounsAfter follow a team's name: "Leeds striker", "Chelsea fans".
	teamNounsAfter = set("striker", "midfielder", "defender", "goalkeeper", "winger", "forward",
		"manager", "boss", "coach", "captain", "fans", "supporters", "squad", "chairman")
	// teamVerbsAfter follow a team's name in a sports article: "Chelsea beat".
	teamVerbsAfter = set("beat", "beats", "drew", "draw", "lost", "lose", "won", "win", "defeated",
		"thrashed", "edged", "held", "have", "host", "hosted", "face", "faced", "play", "played", "v", "vs", "vs.")
	// teamWordsBefore come before a team's name in a sports article:
	// "beat Arsenal", "against Brighton".
	teamWordsBefore = set("beat", "beating", "against", "v", "vs", "vs.", "versus", "defeated", "host",
		"hosted", "face", "faced", "play", "played", "to", "drew", "from", "joined", "join", "over")
	// clubSuffixes end a club's name after a town anywhere.
	clubSuffixes = set("United", "Rovers", "Wanderers", "Athletic", "Albion", "Hotspur", "FC", "F.C.", "Rangers", "Argyle")
	// sportsClubSuffixes end a club's name after a town in a sports article.
	sportsClubSuffixes = set("City", "Town", "County")
	// townWordsBefore mark a place: "in Leeds", "near Leeds".
	townWordsBefore = set("in", "near", "outside", "around", "across", "downtown")
	// townNounsOf mark a place before "of": "mayor of Leeds".
	townNounsOf = set("city", "town", "mayor", "council", "people", "residents", "streets", "centre", "center", "outskirts", "university")
)
