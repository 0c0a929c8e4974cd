// HPA behavior (autoscaling/v2 HorizontalPodAutoscalerBehavior): the
// stabilization window over recent recommendations, then the scaling
// policies' rate limits, as normalizeDesiredReplicasWithBehaviors in
// pkg/controller/podautoscaler/horizontal.go.

export type Policy = { type: "Pods" | "Percent"; value: number; periodSeconds: number };
export type Rules = { stabilizationWindowSeconds: number; selectPolicy: "Max" | "Min" | "Disabled"; policies: Policy[] };
export type Behavior = { scaleUp: Rules; scaleDown: Rules };

/** The API's defaults (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules). */
export const DEFAULT_SCALE_UP: Rules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN: Rules = {
  stabilizationWindowSeconds: 300,
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
};

function rules(r: any, d: Rules): Rules {
  return {
    stabilizationWindowSeconds: typeof r?.stabilizationWindowSeconds === "number" ? r.stabilizationWindowSeconds : d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy === "Min" || r?.selectPolicy === "Disabled" ? r.selectPolicy : "Max",
    policies: Array.isArray(r?.policies) && r.policies.length ? r.policies : d.policies,
  };
}

/** An HPA's behavior with every unset field defaulted (no behavior at all means the defaults). */
export function behaviorOf(hpa: any): Behavior {
  const b = hpa?.spec?.behavior;
  return { scaleUp: rules(b?.scaleUp, DEFAULT_SCALE_UP), scaleDown: rules(b?.scaleDown, DEFAULT_SCALE_DOWN) };
}

type Recommendation = { replicas: number; at: number };
type ScaleEvent = { change: number; at: number };

export type Outcome = { replicas: number; reason: string; message: string };

/** The per-HPA memory of the behavior logic: recent recommendations and scale events. */
export class BehaviorState {
  private recommendations: Recommendation[] = [];
  private upEvents: ScaleEvent[] = [];
  private downEvents: ScaleEvent[] = [];

  /** stabilizeRecommendationWithBehaviors: the window's min (up) and max (down) bound the recommendation. */
  stabilize(b: Behavior, current: number, desired: number, now: number): Outcome {
    let up = desired;
    let down = desired;
    const upCutoff = now - b.scaleUp.stabilizationWindowSeconds * 1000;
    const downCutoff = now - b.scaleDown.stabilizationWindowSeconds * 1000;
    for (const r of this.recommendations) {
      if (r.at > upCutoff) up = Math.min(up, r.replicas);
      if (r.at > downCutoff) down = Math.max(down, r.replicas);
    }
    const oldest = Math.min(upCutoff, downCutoff);
    this.recommendations = this.recommendations.filter((r) => r.at >= oldest);
    this.recommendations.push({ replicas: desired, at: now });
    let replicas = current;
    if (replicas < up) replicas = up;
    if (replicas > down) replicas = down;
    return desired >= current
      ? { replicas, reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" }
      : { replicas, reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" };
  }

  /** convertDesiredReplicasWithBehaviorRate: the policies' limits and min/max replicas. */
  limit(b: Behavior, current: number, desired: number, min: number, max: number, now: number): Outcome {
    if (desired > current) {
      const upLimit = Math.max(this.upLimit(b.scaleUp, current, now), current);
      let allowed = max;
      let reason = "TooManyReplicas";
      let message = "the desired replica count is more than the maximum replica count";
      if (allowed > upLimit) {
        allowed = upLimit;
        reason = "ScaleUpLimit";
        message = "the desired replica count is increasing faster than the maximum scale rate";
      }
      if (desired > allowed) return { replicas: allowed, reason, message };
    } else if (desired < current) {
      const downLimit = Math.min(this.downLimit(b.scaleDown, current, now), current);
      let allowed = min;
      let reason = "TooFewReplicas";
      let message = "the desired replica count is less than the minimum replica count";
      if (allowed < downLimit) {
        allowed = downLimit;
        reason = "ScaleDownLimit";
        message = "the desired replica count is decreasing faster than the maximum scale rate";
      }
      if (desired < allowed) return { replicas: allowed, reason, message };
    }
    return { replicas: desired, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
  }

  /** storeScaleEvent: remembers a rescale for the policies' periods. */
  recordScale(b: Behavior, from: number, to: number, now: number): void {
    const longest = (r: Rules) => Math.max(0, ...r.policies.map((p) => p.periodSeconds)) * 1000;
    this.upEvents = this.upEvents.filter((e) => e.at > now - longest(b.scaleUp));
    this.downEvents = this.downEvents.filter((e) => e.at > now - longest(b.scaleDown));
    if (to > from) this.upEvents.push({ change: to - from, at: now });
    else if (to < from) this.downEvents.push({ change: from - to, at: now });
  }

  private changeIn(events: ScaleEvent[], periodSeconds: number, now: number): number {
    const cutoff = now - periodSeconds * 1000;
    let sum = 0;
    for (const e of events) if (e.at > cutoff) sum += e.change;
    return sum;
  }

  private upLimit(r: Rules, current: number, now: number): number {
    if (r.selectPolicy === "Disabled") return current;
    let result = r.selectPolicy === "Min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (const p of r.policies) {
      const start = current - this.changeIn(this.upEvents, p.periodSeconds, now) + this.changeIn(this.downEvents, p.periodSeconds, now);
      const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = r.selectPolicy === "Min" ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  private downLimit(r: Rules, current: number, now: number): number {
    if (r.selectPolicy === "Disabled") return current;
    let result = r.selectPolicy === "Min" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const p of r.policies) {
      const start = current - this.changeIn(this.upEvents, p.periodSeconds, now) + this.changeIn(this.downEvents, p.periodSeconds, now);
      const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = r.selectPolicy === "Min" ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }
}
