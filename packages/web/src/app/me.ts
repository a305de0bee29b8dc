import type { Me } from '@wachsam/protocol';
import { createContext, useContext } from 'react';

/** The logged-in person, for components deep in the tree (own answers, own alarms). */
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a logged-in shell');
  return me;
}
