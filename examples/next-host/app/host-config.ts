'use client';
// Where the management API is and how the host authorises its requests, read once from
// /host-config.json (written by serve.mjs: a static export cannot know the API's port).
import { useEffect, useState } from 'react';

export interface HostConfig {
  /** The management API's origin. */
  api: string;
  /** The personal access token the host sends (a real console has its own sign-in). */
  pat: string;
}

let loaded: Promise<HostConfig> | null = null;

export function hostConfig(): Promise<HostConfig> {
  loaded ??= fetch('/host-config.json').then((answer) => answer.json() as Promise<HostConfig>);
  return loaded;
}

/** The config once loaded, `null` before. */
export function useHostConfig(): HostConfig | null {
  const [config, setConfig] = useState<HostConfig | null>(null);
  useEffect(() => {
    let gone = false;
    hostConfig().then((value) => { if (!gone) setConfig(value); });
    return () => { gone = true; };
  }, []);
  return config;
}

/** The `Authorization` header value the elements and the host's own requests send. */
export async function authorization(): Promise<string> {
  return `Token ${(await hostConfig()).pat}`;
}
