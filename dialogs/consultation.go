package dialogs

import "github.com/azizayol/azizayol"

// Consultation is a question to a specialist: legal (Ministry of Justice), medical
// (Ministry of Health) or psychological help and protection from violence (the
// Rehabilitation Centre). She may stay anonymous: no name and no phone, the answer
// comes to this chat. A psychological question with words of danger is urgent.
func Consultation() Dialog {
	return filing{
		name:   "consultation",
		kind:   azizayol.KindConsultation,
		topics: []string{"legal", "medical", "psychological"},
		steps:  []string{stepTopic, stepText, stepMore, stepPhone, stepConsent, stepReview},
	}
}
