export type Event<Type extends string, Data> = { readonly type: Type; readonly data: Readonly<Data> };

/** Events bound for one stream, in order. A command may touch several streams (packing, ownership of contents). */
export type StreamEvents<E> = { readonly streamName: string; readonly events: readonly E[] };
