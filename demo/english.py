"""Content of the demo English portal (en.czs.localhost): its columns and articles.

The articles restate, in English, facts given in the seed report (its figures, systems
and campaigns), the way the city's English portal reported them.
"""

# (slug, title, column type name, update frequency, description)
EN_COLUMNS = [
    ("news", "News", "NEWS", "news", "News from the Chenzhou Municipal People's Government."),
    ("government", "Government", "OVERVIEW", "none", "How the municipal government works and serves."),
    ("investment", "Investment", "SERVICES", "notice", "Doing business in Chenzhou."),
    ("visiting", "Visiting", "OVERVIEW", "none", "Chenzhou for visitors."),
]

# (column slug, slug, title, summary, paragraphs)
EN_ARTICLES = [
    (
        "news",
        "portal-publishes-27423-items",
        "Municipal portal publishes 27,423 items in the first half of 2014",
        "The government portal's output grew 10.5% year on year.",
        [
            "From January to June 2014 the Chenzhou Municipal People's Government portal published "
            "27,423 items of government information, 10.5% more than in the same period of 2013.",
            "The English portal published 354 items totalling 111,204 words over the same months, "
            "covering the city's major development strategies, decisions and key work.",
        ],
    ),
    (
        "news",
        "mayors-mailbox-replies",
        "Mayor's Mailbox answers 93.69% of letters",
        "906 of the 967 letters received in the first half of 2014 were answered.",
        [
            "The Mayor's Mailbox on the municipal portal received 967 letters in the first half of 2014 "
            "and replied to 906 of them, a reply rate of 93.69%.",
            "The city plans to standardise how letters are handled so that the mailbox keeps listening to "
            "the public, pooling ideas and solving people's problems.",
        ],
    ),
    (
        "news",
        "national-sanitary-city-campaign",
        "Portal opens special column on Chenzhou's national sanitary city campaign",
        "Topics follow the issues residents care about most.",
        [
            "The municipal portal set up special columns on subjects of wide public concern, among them "
            "Chenzhou's campaign to become a National Sanitary City and its bid to become a National Forest City.",
            "Other topics covered the 2014 sessions of the municipal people's congress and CPPCC and the reform "
            "of business registration.",
        ],
    ),
    (
        "news",
        "online-approval-and-e-supervision",
        "Online approval and electronic supervision extended to public services",
        "Public-service departments bring their service items into the city's approval system.",
        [
            "Chenzhou is bringing the service items of key public-service departments, such as public security, "
            "human resources, civil affairs, housing and the housing provident fund, into the municipal and county "
            "online administrative approval and electronic supervision systems.",
            "Applications are received, routed and concluded online under real-time electronic supervision.",
        ],
    ),
    (
        "news",
        "video-conferences-served",
        "Government video conference system supports 52 conferences",
        "The e-government centre also serviced 188 other meetings.",
        [
            "In the first half of 2014 the Chenzhou E-Government Information Center set up and attended the "
            "equipment for 52 video conferences and 188 other meetings of the municipal government.",
            "The document exchange system delivered 645 documents to 214 connected organisations.",
        ],
    ),
    (
        "news",
        "smart-skynet-plan-approved",
        "Smart Skynet video security plan passes provincial review",
        "Phase two of the downtown electronic security system integrates existing camera networks.",
        [
            "The technical plan for phase two of the downtown electronic security system, known as Smart Skynet, "
            "passed a review by provincial experts.",
            "It builds on existing video resources such as Safe City, intelligent traffic, digital city management "
            "and digital overload control to improve public safety.",
        ],
    ),
    (
        "news",
        "congress-proposals-online",
        "Deputies' suggestions and CPPCC proposals now handled online",
        "315 suggestions and 334 proposals were entered in the first half year.",
        [
            "Since January 2014 suggestions of people's congress deputies and proposals of CPPCC members have been "
            "handled through an online system.",
            "By mid-year 315 suggestions had been entered, 278 of them already handled, and 334 proposals entered.",
        ],
    ),
    (
        "government",
        "e-government-centre",
        "Chenzhou E-Government Information Center",
        "The centre builds and runs the city's e-government systems and its portal.",
        [
            "The Chenzhou E-Government Information Center works under the General Office of the Municipal People's "
            "Government. It builds e-government systems, integrates resources across departments, runs the government "
            "portal and keeps systems and networks secure.",
            "Its plans for the second half of 2014 include phase two of the e-government extranet, a unified video "
            "network and electronic signatures for online government services.",
        ],
    ),
    (
        "government",
        "budget-disclosure",
        "55 departments disclose budgets and 'three public expenses'",
        "Budgets, final accounts and official spending are published on the portal.",
        [
            "Following the municipal requirements on budget disclosure, 55 departments published their budgets, "
            "final accounts and 'three public expenses' (overseas trips, official vehicles and official receptions) "
            "on the municipal portal.",
        ],
    ),
    (
        "government",
        "website-cluster-monitoring",
        "Monitoring platform checks the health of government websites",
        "City and county leaders can see how well their websites are run.",
        [
            "A monitoring platform for the Chenzhou government website cluster diagnoses and monitors the sites, "
            "giving city and county governments and municipal departments accurate data for managing and assessing "
            "their websites.",
            "Security inspections were carried out on the portals of the 11 counties, cities and districts.",
        ],
    ),
    (
        "government",
        "online-interaction",
        "Online surveys, interviews and live broadcasts bring citizens closer",
        "Twelve online surveys and six online interviews in six months.",
        [
            "In the first half of 2014 the portal ran 12 online surveys and consultations, broadcast two major events "
            "live and hosted six online interviews with county and department leaders.",
            "The government microblog published 2,039 posts.",
        ],
    ),
    (
        "investment",
        "business-registration-reform",
        "Business registration reform: a shared information platform",
        "One networked platform for registration, disclosure and supervision.",
        [
            "To support the reform of business registration, the city designed a business registration information "
            "platform that connects departments, shares information, discloses records and supports supervision.",
            "The project is going through public tender.",
        ],
    ),
    (
        "investment",
        "electronic-port-platform",
        "Electronic port platform planned for Chenzhou's bonded and port areas",
        "One portal, one login and one-stop service for port operations.",
        [
            "Chenzhou is planning an electronic port platform offering a single entry, a single sign-on and one-stop "
            "services for the export processing zone, Chenzhou dry port, the international express centre, bonded "
            "warehouses and inspection yards for produce supplied to Hong Kong and Macao.",
        ],
    ),
    (
        "visiting",
        "national-forest-city",
        "Chenzhou bids to become a National Forest City",
        "A city of mountains, forests and water.",
        [
            "Chenzhou is campaigning to become a National Forest City, alongside its campaign to become a National "
            "Sanitary City. The municipal portal follows both campaigns in special columns.",
        ],
    ),
    (
        "visiting",
        "china-chenzhou-app",
        "China Chenzhou app and barrier-free browsing",
        "Government information on mobile devices and for everyone.",
        [
            "The 'China Chenzhou' mobile app and a barrier-free browsing service help residents and visitors look up "
            "information and services, from starting a business to everyday public services in 13 areas of daily life.",
            "A WeChat platform of the municipal portal is being built.",
        ],
    ),
]
