package io.mediaedge; public final class Main { public static void main(String[] a) {} }
