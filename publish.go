package azizayol

// InfoTopic is a subject the agencies publish on (resolution No. 507, Appendix 2) and
// women subscribe to: the topics of "Useful information", of articles and of
// broadcasts. Its name is the message "info.topic.<code>".
type InfoTopic string

const (
	TopicRights   InfoTopic = "rights"   // rights and benefits: maternity leave, benefits, pensions (Justice)
	TopicHealth   InfoTopic = "health"   // health and a healthy life (Health)
	TopicSafety   InfoTopic = "safety"   // preventing violence, where to get help (Rehabilitation centre)
	TopicFamily   InfoTopic = "family"   // family values, upbringing, culture (Culture)
	TopicSport    InfoTopic = "sport"    // sport (Tourism and Sport)
	TopicBusiness InfoTopic = "business" // entrepreneurship: stories, templates, credits (Chamber, Xalq bank, agency)
	TopicLaws     InfoTopic = "laws"     // reforms and new laws on women's rights (Mahalla ministry)
	TopicProjects InfoTopic = "projects" // projects and benefits for women (Mahalla ministry, weekly)
	TopicSkills   InfoTopic = "skills"   // vocational manuals, videos, online circles (Employment)
)

// InfoTopics lists the topics in the order they are offered.
var InfoTopics = []InfoTopic{TopicRights, TopicHealth, TopicSafety, TopicFamily, TopicSport,
	TopicBusiness, TopicLaws, TopicProjects, TopicSkills}

// ParseInfoTopic finds a topic by its code.
func ParseInfoTopic(s string) (InfoTopic, bool) {
	for _, t := range InfoTopics {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}
