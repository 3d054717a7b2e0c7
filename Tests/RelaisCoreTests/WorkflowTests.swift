import Foundation
import Testing
@testable import RelaisCore

@Suite struct WorkflowTests {
    /// The issue 5 contract, copied by hand: every allowed (action, state, performer) and where it leads.
    /// Anything not listed must be refused.
    static let legal: [(ModerationAction, SubmissionState, Performer, SubmissionState)] = [
        (.submit, .draft, .author, .submitted),
        (.submit, .changesRequested, .author, .submitted),
        (.withdraw, .draft, .author, .withdrawn),
        (.withdraw, .submitted, .author, .withdrawn),
        (.withdraw, .inReview, .author, .withdrawn),
        (.withdraw, .changesRequested, .author, .withdrawn),
        (.withdraw, .published, .curator, .withdrawn),
        (.claim, .submitted, .curator, .inReview),
        (.unclaim, .inReview, .curator, .submitted),
        (.reassign, .inReview, .curator, .inReview),
        (.requestChanges, .inReview, .curator, .changesRequested),
        (.approve, .inReview, .curator, .approved),
        (.reject, .inReview, .curator, .rejected),
        (.publish, .approved, .curator, .published),
    ]

    static func expected(_ action: ModerationAction, _ state: SubmissionState, _ performer: Performer) -> SubmissionState? {
        legal.first { $0.0 == action && $0.1 == state && $0.2 == performer }?.3
    }

    @Test func everyTripleMatchesTheContract() {
        var checked = 0, allowed = 0
        for action in ModerationAction.allCases {
            for state in SubmissionState.allCases {
                for performer in [Performer.author, .curator] {
                    let want = Self.expected(action, state, performer)
                    #expect(Workflow.target(of: action, from: state, by: performer) == want,
                            "\(action) depuis \(state) par \(performer)")
                    checked += 1
                    if want != nil { allowed += 1 }
                }
            }
        }
        #expect(checked == 9 * 8 * 2)
        #expect(allowed == Self.legal.count)
    }

    @Test func actionsPerPerformerFollowAllCasesOrder() {
        let author: [SubmissionState: [ModerationAction]] = [
            .draft: [.submit, .withdraw], .submitted: [.withdraw], .inReview: [.withdraw],
            .changesRequested: [.submit, .withdraw], .approved: [], .published: [], .rejected: [], .withdrawn: [],
        ]
        let curator: [SubmissionState: [ModerationAction]] = [
            .draft: [], .submitted: [.claim], .inReview: [.unclaim, .reassign, .requestChanges, .approve, .reject],
            .changesRequested: [], .approved: [.publish], .published: [.withdraw], .rejected: [], .withdrawn: [],
        ]
        let anyone: [SubmissionState: [ModerationAction]] = [
            .draft: [.submit, .withdraw], .submitted: [.withdraw, .claim],
            .inReview: [.withdraw, .unclaim, .reassign, .requestChanges, .approve, .reject],
            .changesRequested: [.submit, .withdraw], .approved: [.publish], .published: [.withdraw],
            .rejected: [], .withdrawn: [],
        ]
        for state in SubmissionState.allCases {
            #expect(Workflow.actions(in: state, by: .author) == author[state], "\(state)")
            #expect(Workflow.actions(in: state, by: .curator) == curator[state], "\(state)")
            #expect(Workflow.actions(in: state) == anyone[state], "\(state)")
        }
    }

    @Test func finalStates() {
        #expect(SubmissionState.allCases.filter(\.isFinal) == [.rejected, .withdrawn])
    }

    @Test func editableStates() {
        let editable = SubmissionState.allCases.filter(Workflow.isEditable)
        #expect(editable == [.draft, .submitted, .changesRequested])
    }

    @Test func rawValuesAndLabelsAreTheContractOnes() {
        #expect(SubmissionKind.allCases.map(\.rawValue) == ["new_resource", "improvement", "feedback"])
        #expect(SubmissionState.allCases.map(\.rawValue) == [
            "draft", "submitted", "in_review", "changes_requested", "approved", "published", "rejected", "withdrawn",
        ])
        #expect(SubmissionState.allCases.map(\.label) == [
            "Brouillon", "Soumise", "En relecture", "Modifications demandées", "Approuvée", "Publiée", "Refusée", "Retirée",
        ])
        #expect(ModerationAction.allCases.map(\.rawValue) == [
            "submit", "withdraw", "claim", "unclaim", "reassign", "request_changes", "approve", "reject", "publish",
        ])
        for labelled in ModerationAction.allCases.map(\.label) + SubmissionKind.allCases.map(\.label) {
            #expect(!labelled.isEmpty)
        }
        #expect(ModerationAction.allCases.filter(\.requiresComment) == [.requestChanges])
        #expect(ModerationAction.allCases.filter(\.requiresReason) == [.reject])
        #expect(ModerationAction.allCases.filter(\.requiresAssignee) == [.reassign])
    }

    @Test func statesRoundTripThroughJSON() throws {
        let data = try JSONEncoder().encode([SubmissionState.changesRequested])
        #expect(String(decoding: data, as: UTF8.self) == #"["changes_requested"]"#)
        #expect(try JSONDecoder().decode([ModerationAction].self, from: Data(#"["request_changes"]"#.utf8)) == [.requestChanges])
    }

    @Test func rejectionReasons() {
        #expect(RejectionReason.all.map(\.id) == ["hors_sujet", "doublon", "licence", "qualite", "inapproprie", "droits", "autre"])
        #expect(RejectionReason.named("doublon")?.label == "Doublon d'une ressource existante")
        #expect(RejectionReason.named("hors_sujet")?.label == "Hors du champ de la plateforme")
        #expect(RejectionReason.named("autre")?.label == "Autre raison")
        #expect(RejectionReason.named("Doublon") == nil)
        #expect(RejectionReason.named("") == nil)
    }
}
