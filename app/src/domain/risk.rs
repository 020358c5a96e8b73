//! Risk assessment: impact × likelihood, scored and banded for the colored
//! matrix on the release plan.

use super::change_request::{vocabulary, RiskLevel};
use serde::{Deserialize, Serialize};

vocabulary!(
    RiskImpact {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    Likelihood {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
    }
);

impl RiskImpact {
    pub fn weight(self) -> u8 {
        match self {
            RiskImpact::Low => 1,
            RiskImpact::Medium => 2,
            RiskImpact::High => 3,
            RiskImpact::Critical => 4,
        }
    }
}

impl Likelihood {
    pub fn weight(self) -> u8 {
        match self {
            Likelihood::Low => 1,
            Likelihood::Medium => 2,
            Likelihood::High => 3,
        }
    }
}

/// A scored cell of the 4 × 3 matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskScore {
    /// impact weight × likelihood weight, 1..=12.
    pub score: u8,
    pub level: RiskLevel,
}

/// Scores a risk: 1–2 low, 3–4 medium, 6 high, 8 and above critical.
pub fn score(impact: RiskImpact, likelihood: Likelihood) -> RiskScore {
    let score = impact.weight() * likelihood.weight();
    let level = match score {
        0..=2 => RiskLevel::Low,
        3..=4 => RiskLevel::Medium,
        5..=7 => RiskLevel::High,
        _ => RiskLevel::Critical,
    };
    RiskScore { score, level }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_of_the_matrix_scores_as_specified() {
        use Likelihood as L;
        use RiskImpact as I;
        use RiskLevel::*;
        let expected = [
            (I::Low, L::Low, 1, Low),
            (I::Low, L::Medium, 2, Low),
            (I::Low, L::High, 3, Medium),
            (I::Medium, L::Low, 2, Low),
            (I::Medium, L::Medium, 4, Medium),
            (I::Medium, L::High, 6, High),
            (I::High, L::Low, 3, Medium),
            (I::High, L::Medium, 6, High),
            (I::High, L::High, 9, Critical),
            (I::Critical, L::Low, 4, Medium),
            (I::Critical, L::Medium, 8, Critical),
            (I::Critical, L::High, 12, Critical),
        ];
        for (impact, likelihood, points, level) in expected {
            assert_eq!(
                score(impact, likelihood),
                RiskScore {
                    score: points,
                    level
                },
                "{impact:?} × {likelihood:?}"
            );
        }
    }
}
