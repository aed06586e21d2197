import type { FlowName, PlanStep, Plans, PluginDeclaration, PluginModule, StepName } from '@teeio/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * Wrappers that break a working plugin from the outside, through what the core's public API
 * lets anyone change: its plans, and what its register() puts behind a port's token. None
 * copies plugin source; the arch-specific mutants use the plugins' own ablation switches.
 */

/** The plugin with its declaration changed (its plans, usually). */
export function withDeclaration(m: PluginModule, change: (d: PluginDeclaration) => PluginDeclaration): PluginModule {
  const declaration = change(m.declaration);
  return { declaration, register: (c) => m.register(c) };
}

/** The plugin with `change` applied to the plans of `flows`. */
export function withPlans(m: PluginModule, flows: readonly FlowName[], change: (plan: readonly PlanStep[]) => PlanStep[]): PluginModule {
  return withDeclaration(m, (d) => {
    const plans: Plans = { ...d.plans, ...Object.fromEntries(flows.map((f) => [f, change(d.plans[f])])) };
    return { ...d, plans };
  });
}

/** A plan without `step`. */
export const without =
  (step: StepName) =>
  (plan: readonly PlanStep[]): PlanStep[] =>
    plan.filter((p) => p.step !== step);

/** A plan with `first` moved to just before `before` (unchanged when either is missing). */
export const moveBefore =
  (first: StepName, before: StepName) =>
  (plan: readonly PlanStep[]): PlanStep[] => {
    const moved = plan.find((p) => p.step === first);
    const rest = plan.filter((p) => p !== moved);
    const at = rest.findIndex((p) => p.step === before);
    return moved && at >= 0 ? [...rest.slice(0, at), moved, ...rest.slice(at)] : [...plan];
  };

/** `inner` with some of its methods replaced; the others still run on `inner`. */
export function override<T extends object>(inner: T, methods: Partial<T>): T {
  return new Proxy(inner, {
    get(target, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof T];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The plugin with what it registers under `token` wrapped: register() runs on a container that
 * files the plugin's own provider under a private token, and `token` resolves to `wrap` of it.
 */
export function withPort<T extends object>(m: PluginModule, token: InjectionToken<T>, wrap: (inner: T) => T): PluginModule {
  const inner: InjectionToken<T> = Symbol(`wrapped ${String(token)}`);
  const register = (c: DependencyContainer) => {
    const filing = new Proxy(c, {
      get(target, key) {
        if (key !== 'register') return (Reflect.get(target, key, target) as (...a: unknown[]) => unknown).bind(target);
        return (t: InjectionToken<unknown>, provider: never, options?: never) => {
          if (t !== token) return target.register(t, provider, options);
          target.register(inner, provider, options);
          return target.register(token, { useFactory: (dc) => wrap(dc.resolve(inner)) });
        };
      },
    });
    m.register(filing);
  };
  return { declaration: m.declaration, register };
}
